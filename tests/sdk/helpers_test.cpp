// The SDK's small helpers that plugins share instead of keeping copies.
#include <warden/warden.hpp>

#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

#include <string>

namespace warden {
namespace {

Poco::Dynamic::Var parsed(const std::string& json) {
  return Poco::JSON::Parser().parse(json);
}

TEST(SdkHelpers, CompactJsonWritesObjectsArraysAndScalarsWithoutSpaces) {
  const auto value = parsed(R"({"a": [1, 2.5, "x\"y"], "b": {"c": null, "d": true}})");
  EXPECT_EQ(compact_json(value), R"({"a":[1,2.5,"x\"y"],"b":{"c":null,"d":true}})");
  EXPECT_EQ(compact_json(*value.extract<Poco::JSON::Object::Ptr>()), compact_json(value));
  EXPECT_EQ(compact_json(Poco::Dynamic::Var("text")), R"("text")");
  EXPECT_EQ(json_text(value.extract<Poco::JSON::Object::Ptr>()->get("a")), R"([1,2.5,"x\"y"])");
}

TEST(SdkHelpers, MaskedHidesEverySecretEvenOneTheMaskContains) {
  EXPECT_EQ(masked("token=abc&again=abc", {"abc", ""}), "token=******&again=******");
  EXPECT_EQ(masked("a*b", {"*"}), "a******b");  // once: the mask is not masked again
}

TEST(SdkHelpers, TruncatedNeverSplitsAUtf8Sequence) {
  EXPECT_EQ(truncated("héllo", 2), "h");
  EXPECT_EQ(truncated("héllo", 3), "hé");
  EXPECT_EQ(truncated("short", 10), "short");
}

TEST(SdkHelpers, SmallTextHelpers) {
  EXPECT_EQ(trimmed(" \t a b \r\n"), "a b");
  EXPECT_EQ(lowercase("Application/JSON; Charset=UTF-8"), "application/json; charset=utf-8");
  EXPECT_EQ(query_value("a+b/c=d&e"), "a%2Bb%2Fc%3Dd%26e");
  EXPECT_EQ(retry_after_seconds(" 120 "), 120);
  EXPECT_EQ(retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT"), -1);
  EXPECT_EQ(retry_after_seconds(""), -1);
  EXPECT_EQ(retry_after_seconds("9999999999"), -1);
}

TEST(SdkTemplateData, LabelsAreListedAsKeyAndValueInKeyOrderWithHasLabels) {
  Alert alert;
  alert.title = "disk full";
  alert.labels = {{"zone", "b"}, {"app", "etl"}};
  const auto data = alert.template_data();
  EXPECT_EQ(compact_json(data->get("label_list")),
            R"([{"key":"app","value":"etl"},{"key":"zone","value":"b"}])");
  EXPECT_TRUE(data->getValue<bool>("has_labels"));
  EXPECT_FALSE(data->has("link")) << "an empty text is absent";
  EXPECT_FALSE(data->has("cp_max_failure_interval")) << "a zero checkpoint figure is absent";

  const auto bare = Alert{}.template_data();
  EXPECT_FALSE(bare->getValue<bool>("has_labels"));
  EXPECT_FALSE(bare->has("label_list"));
  EXPECT_FALSE(bare->has("labels"));
}

}  // namespace
}  // namespace warden
