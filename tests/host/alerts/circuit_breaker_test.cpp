#include "host/alerts/circuit_breaker.hpp"

#include "host/store/database.hpp"
#include "tests/support/temp_dir.hpp"

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

namespace warden::host {
namespace {

std::vector<BreakRule> rules(const std::string& json, std::map<std::string, std::string>& errors) {
  auto body = Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
  return break_rules_from_json(*body, errors);
}

std::vector<BreakRule> good_rules(const std::string& json) {
  std::map<std::string, std::string> errors;
  auto out = rules(json, errors);
  for (const auto& [k, v] : errors) ADD_FAILURE() << k << ": " << v;
  return out;
}

Alert alert(std::map<std::string, std::string> labels) {
  Alert a;
  a.title = "t";
  a.source = "job-a";
  a.labels = std::move(labels);
  return a;
}

TEST(BreakRule, EveryConditionOfARuleMustMatch) {
  auto r = good_rules(R"({"rules": [{"id": "r1", "conditions": [
      {"key": "strategy_id", "value": [12345, "67890"]},
      {"key": "bk_biz_id", "value": "100"}]}]})");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(r[0].matches(alert({{"strategy_id", "12345"}, {"bk_biz_id", "100"}}), "ding"));
  EXPECT_TRUE(r[0].matches(alert({{"strategy_id", "67890"}, {"bk_biz_id", "100"}}), "ding"));
  EXPECT_FALSE(r[0].matches(alert({{"strategy_id", "12345"}, {"bk_biz_id", "200"}}), "ding"));
  EXPECT_FALSE(r[0].matches(alert({{"strategy_id", "12345"}}), "ding"));
}

TEST(BreakRule, DimensionsIncludeTheChannelAlertFieldsAndStrategySource) {
  auto r = good_rules(R"({"rules": [
      {"conditions": [{"key": "channel", "value": ["ding"]}]},
      {"conditions": [{"key": "strategy_source", "value": ["bk_monitor:time_series"]}]},
      {"conditions": [{"key": "source", "method": "neq", "value": ["job-a"]}]}]})");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_TRUE(r[0].matches(alert({}), "ding"));
  EXPECT_FALSE(r[0].matches(alert({}), "mail"));
  EXPECT_TRUE(r[1].matches(
      alert({{"data_source_label", "bk_monitor"}, {"data_type_label", "time_series"}}), "x"));
  EXPECT_FALSE(r[1].matches(alert({{"data_source_label", "bk_monitor"}}), "x"));
  EXPECT_FALSE(r[2].matches(alert({}), "x"));
  EXPECT_FALSE(r[0].id.empty());
}

TEST(BreakRule, EveryProblemIsReportedWithItsPlace) {
  std::map<std::string, std::string> errors;
  rules(R"({"rules": [{"conditions": []}, {"conditions": [{"key": "", "method": "like"}],
           "end_time": "tomorrow", "colour": 1}, 3]})",
        errors);
  EXPECT_TRUE(errors.contains("rules[0].conditions"));
  EXPECT_TRUE(errors.contains("rules[1].conditions[0].key"));
  EXPECT_TRUE(errors.contains("rules[1].conditions[0].method"));
  EXPECT_TRUE(errors.contains("rules[1].conditions[0].value"));
  EXPECT_TRUE(errors.contains("rules[1].end_time"));
  EXPECT_TRUE(errors.contains("rules[1].colour"));
  EXPECT_TRUE(errors.contains("rules[2]"));
  std::map<std::string, std::string> missing;
  rules("{}", missing);
  EXPECT_TRUE(missing.contains("rules"));
}

TEST(CircuitBreaker, RulesCombineByOrEndAtTheirEndTimeAndSurviveARestart) {
  test::TempDir dir;
  Database database("sqlite:" + (dir.path() / "w.db").string());
  {
    CircuitBreaker breaker(database);
    breaker.replace(good_rules(R"({"rules": [
        {"id": "maintenance", "conditions": [{"key": "bk_biz_id", "value": ["100"]}],
         "end_time": "2030-01-01T00:00:00+01:00"},
        {"id": "storm", "description": "noisy", "conditions": [{"key": "strategy_id", "value": ["1"]}]}]})"));
  }
  CircuitBreaker breaker(database);  // read back from the table
  ASSERT_EQ(breaker.rules().size(), 2u);
  EXPECT_EQ(breaker.rules()[1].description, "noisy");
  const std::int64_t before_end = 1893452400000 - 1;  // 2029-12-31T23:00:00Z - 1 ms
  EXPECT_EQ(breaker.match(alert({{"bk_biz_id", "100"}}), "c", before_end), "maintenance");
  EXPECT_EQ(breaker.match(alert({{"bk_biz_id", "100"}}), "c", before_end + 1), std::nullopt);
  EXPECT_EQ(breaker.match(alert({{"strategy_id", "1"}}), "c", before_end + 1), "storm");
  EXPECT_EQ(breaker.match(alert({{"strategy_id", "2"}}), "c", 0), std::nullopt);
  breaker.clear();
  EXPECT_EQ(breaker.match(alert({{"strategy_id", "1"}}), "c", 0), std::nullopt);
  EXPECT_TRUE(CircuitBreaker(database).rules().empty());
}

}  // namespace
}  // namespace warden::host
