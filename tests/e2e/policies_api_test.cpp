// Policies and saved solutions through the real binary: stored, listed in order, refused with every
// problem at once, kept across a restart.
#include "tests/support/eventually.hpp"
#include "tests/support/serve_test.hpp"

#include "host/runtime/iso_time.hpp"

#include <warden/json_value.hpp>

#include <Poco/JSON/Array.h>
#include <gtest/gtest.h>

namespace warden::test {
namespace {

class PoliciesApi : public ServeTest {
 protected:
  PoliciesApi() : ServeTest("e2e-policies-token") {}

  void SetUp() override {
    configure("plugins_dir: " + std::string(WARDEN_STAGED_PLUGINS_DIR) + "\nlog_level: warn\n");
    start();
  }

  std::vector<std::string> listed(const std::string& path) {
    auto r = call("GET", path);
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> names;
    if (!r.json) return names;
    const auto data = r.json->getArray("data");
    for (unsigned i = 0; i < data->size(); ++i)
      names.push_back(data->getObject(i)->getValue<std::string>("name"));
    EXPECT_EQ(r.json->getValue<int>("count"), static_cast<int>(names.size()));
    return names;
  }
};

TEST_F(PoliciesApi, PutGetListDeleteAndARestart) {
  auto r = call("PUT", "/api/policies/disk-full", R"({"order": 10,
      "description": "disk full in production",
      "match": [{"field": "labels.env", "op": "eq", "value": "production"},
                {"field": "subject", "op": "regex", "value": "Disk.*"},
                {"field": "severity", "op": "in", "values": ["critical", "warning"]}],
      "signals": ["abnormal", "recovered"], "defense": {"max_actions": 10, "window": 60}})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json->getValue<std::string>("result"), "ok");
  auto data = r.json->getObject("data");
  EXPECT_EQ(data->getValue<std::string>("name"), "disk-full");
  EXPECT_EQ(data->getValue<int>("order"), 10);
  EXPECT_TRUE(data->getValue<bool>("enabled"));
  EXPECT_EQ(data->getArray("match")->size(), 3u);
  EXPECT_EQ(data->getArray("signals")->getElement<std::string>(1), "recovered");
  EXPECT_EQ(data->getObject("defense")->getValue<int>("window"), 60);
  EXPECT_NO_THROW(host::parse_iso8601(data->getValue<std::string>("updated_time"))) << r.body;

  ASSERT_EQ(call("PUT", "/api/policies/catch-all", R"({"order": 100, "continue": true})").status,
            200);
  ASSERT_EQ(call("PUT", "/api/policies/early", R"({"order": -1})").status, 200);
  EXPECT_EQ(listed("/api/policies"), (std::vector<std::string>{"early", "disk-full", "catch-all"}));

  r = call("GET", "/api/policies/disk-full");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json->getObject("data")->getValue<std::string>("description"),
            "disk full in production");
  EXPECT_EQ(call("GET", "/api/policies/nope").status, 404);

  // What GET answers PUTs back as it is, but for the answer's own field (updated_time).
  auto shown = r.json->getObject("data");
  r = call("PUT", "/api/policies/disk-full", compact_json(*shown));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_TRUE(r.json->getObject("errors")->has("updated_time")) << r.body;
  shown->remove("updated_time");
  r = call("PUT", "/api/policies/disk-full", compact_json(*shown));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json->getObject("data")->getArray("match")->size(), 3u);

  EXPECT_EQ(call("DELETE", "/api/policies/early").status, 200);
  EXPECT_EQ(call("DELETE", "/api/policies/early").status, 404);

  start();  // a restart reads them back
  EXPECT_EQ(listed("/api/policies"), (std::vector<std::string>{"disk-full", "catch-all"}));
  r = call("GET", "/api/policies/disk-full");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json->getObject("data")->getArray("match")->size(), 3u);
}

TEST_F(PoliciesApi, ABadPolicyIsRefusedWithEveryProblem) {
  auto r = call("PUT", "/api/policies/bad", R"({"order": "first", "enabled": 1, "colour": "red",
      "match": [{"field": "nope", "op": "eq", "value": "x"},
                {"field": "subject", "op": "regex", "value": "(unclosed"},
                {"field": "severity", "op": "in", "values": []}],
      "signals": ["firing"],
      "approval_channels": ["nobody"],
      "defense": {"window": 0},
      "actions": [{"kind": "teleport", "timeout": 0}]})");
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.json->getValue<std::string>("result"), "exception");
  EXPECT_EQ(r.json->getValue<std::string>("message"), "invalid policy \"bad\"");
  const auto errors = r.json->getObject("errors");
  for (const auto* place : {"order", "enabled", "colour", "match[0].field", "match[1].value",
                            "match[2].values", "signals[0]", "approval_channels[0]",
                            "defense.window", "actions[0].kind", "actions[0].timeout"})
    EXPECT_TRUE(errors->has(place)) << place << "\n" << r.body;
  EXPECT_EQ(errors->size(), 11u) << r.body;
  EXPECT_EQ(call("GET", "/api/policies/bad").status, 404);

  // Ten thousand conditions: one refusal, at once.
  std::string match;
  for (int i = 0; i < 10'000; ++i)
    match += std::string(i ? "," : "") + R"({"field": "source", "op": "regex", "value": "(a+)+$"})";
  r = call("PUT", "/api/policies/many", R"({"match": [)" + match + "]}");
  ASSERT_EQ(r.status, 400) << r.body.substr(0, 500);
  EXPECT_EQ(r.json->getObject("errors")->size(), 1u);
  EXPECT_TRUE(r.json->getObject("errors")->has("match"));

  EXPECT_EQ(call("PUT", "/api/policies/bad", "not json").status, 400);
  EXPECT_EQ(call("PUT", "/api/policies/bad", "[1]").status, 400);
  EXPECT_EQ(call("PUT", "/api/policies/" + std::string(65, 'n'), "{}").status, 400);
  EXPECT_EQ(call("PUT", "/api/policies/a%20b", "{}").status, 400);
  EXPECT_TRUE(listed("/api/policies").empty());
}

TEST_F(PoliciesApi, SavedSolutionsAreCheckedAgainstTheirPlugin) {
  auto r = call("PUT", "/api/solutions/nap",
                R"({"plugin": "sleep", "condition": {"seconds": "2m"}, "description": "nap"})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto data = r.json->getObject("data");
  EXPECT_EQ(data->getValue<std::string>("plugin"), "sleep");
  EXPECT_EQ(data->getObject("condition")->getValue<int>("seconds"), 120);
  EXPECT_TRUE(data->getValue<bool>("plugin_loaded"));
  EXPECT_NO_THROW(host::parse_iso8601(data->getValue<std::string>("updated_time")));

  r = call("PUT", "/api/solutions/hook", R"({"plugin": "webhook", "condition":
      {"url": "http://127.0.0.1:9/x", "headers": "Authorization: Bearer s3cr3t"}})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body.find("s3cr3t"), std::string::npos);
  r = call("PUT", "/api/solutions/templated",
           R"({"plugin": "sleep", "condition": "{\"seconds\": \"{{repeat}}\"}"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json->getObject("data")->getValue<std::string>("condition"),
            "{\"seconds\": \"{{repeat}}\"}");
  EXPECT_EQ(listed("/api/solutions"), (std::vector<std::string>{"hook", "nap", "templated"}));

  // A bad condition: as an object, and as a template that renders nothing the plugin takes.
  r = call("PUT", "/api/solutions/nap", R"({"plugin": "sleep", "condition": {"seconds": "soon",
      "extra": 1}, "colour": "red"})");
  ASSERT_EQ(r.status, 400) << r.body;
  auto errors = r.json->getObject("errors");
  EXPECT_TRUE(errors->has("condition.seconds")) << r.body;
  EXPECT_TRUE(errors->has("condition.extra")) << r.body;
  EXPECT_TRUE(errors->has("colour")) << r.body;
  r = call("PUT", "/api/solutions/nap",
           R"({"plugin": "sleep", "condition": "{\"seconds\": {{title}}}"})");
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_TRUE(r.json->getObject("errors")->has("condition")) << r.body;
  r = call("PUT", "/api/solutions/x", R"({"plugin": "dingtalk", "condition": {}})");
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_TRUE(r.json->getObject("errors")->has("plugin")) << r.body;
  // The refused update left the saved one as it was.
  r = call("GET", "/api/solutions/nap");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json->getObject("data")->getObject("condition")->getValue<int>("seconds"), 120);

  EXPECT_EQ(call("DELETE", "/api/solutions/nap").status, 200);
  EXPECT_EQ(call("DELETE", "/api/solutions/nap").status, 404);
  EXPECT_EQ(call("GET", "/api/solutions/nap").status, 404);
  start();
  EXPECT_EQ(listed("/api/solutions"), (std::vector<std::string>{"hook", "templated"}));
  EXPECT_EQ(warden_->log().find("s3cr3t"), std::string::npos);
}

}  // namespace
}  // namespace warden::test
