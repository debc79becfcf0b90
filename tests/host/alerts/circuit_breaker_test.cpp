#include "host/alerts/circuit_breaker.hpp"

#include "host/runtime/request_error.hpp"
#include "host/store/database.hpp"
#include "tests/support/temp_dir.hpp"

#include <Poco/Data/Session.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <utility>

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

BreakRule rule(const std::string& json) {
  auto object = Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
  std::map<std::string, std::string> errors;
  auto out = break_rule_from_json(*object, "", errors);
  for (const auto& [k, v] : errors) ADD_FAILURE() << k << ": " << v;
  return out;
}

TEST(BreakRule, AModuleDefaultsToNoticeAndAllCoversBoth) {
  auto r = good_rules(R"({"rules": [
      {"conditions": [{"key": "source", "value": "job-a"}]},
      {"module": "action", "conditions": [{"key": "source", "value": "job-a"}]},
      {"module": "all", "conditions": [{"key": "source", "value": "job-a"}]}]})");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].module, "notice");
  EXPECT_TRUE(r[0].covers("notice"));
  EXPECT_FALSE(r[0].covers("action"));
  EXPECT_TRUE(r[1].covers("action"));
  EXPECT_FALSE(r[1].covers("notice"));
  EXPECT_TRUE(r[2].covers("notice"));
  EXPECT_TRUE(r[2].covers("action"));
  EXPECT_EQ(break_rule_to_json(r[1])->getValue<std::string>("module"), "action");
}

TEST(BreakRule, ExtraDimensionsAreMatchedBeforeTheAlertsOwn) {
  auto r = rule(R"({"module": "action", "conditions": [
      {"key": "policy", "value": ["disk-full"]}, {"key": "kind", "method": "neq", "value": "notice"}]})");
  EXPECT_TRUE(r.matches(alert({}), "", {{"policy", "disk-full"}, {"kind", "solution"}}));
  EXPECT_FALSE(r.matches(alert({}), "", {{"policy", "disk-full"}, {"kind", "notice"}}));
  EXPECT_FALSE(r.matches(alert({}), "", {{"policy", "other"}, {"kind", "solution"}}));
  // A label of the same name does not stand in for the dimension the caller gives.
  EXPECT_FALSE(r.matches(alert({{"policy", "disk-full"}}), "", {{"policy", "other"}}));
  EXPECT_FALSE(r.matches(alert({}), ""));  // a notice has no policy
}

TEST(BreakRule, OneRuleReportsEveryBadFieldByItsName) {
  auto object = Poco::JSON::Parser()
                    .parse(R"({"id": "", "module": "everything", "conditions": [{"key": 1}],
                              "end_time": 5, "description": [1], "colour": "red"})")
                    .extract<Poco::JSON::Object::Ptr>();
  std::map<std::string, std::string> errors;
  break_rule_from_json(*object, "", errors);
  for (const char* field : {"id", "module", "conditions[0].key", "conditions[0].value", "end_time",
                            "description", "colour"})
    EXPECT_TRUE(errors.contains(field)) << field;
  // `values` reads as `value`; both at once is refused.
  EXPECT_EQ(
      rule(R"({"conditions": [{"key": "policy", "values": ["a", "b"]}]})").conditions[0].values,
      (std::vector<std::string>{"a", "b"}));
  std::map<std::string, std::string> both;
  rules(R"({"rules": [{"conditions": [{"key": "k", "value": "a", "values": ["b"]}]}]})", both);
  EXPECT_TRUE(both.contains("rules[0].conditions[0].values"));
  std::map<std::string, std::string> nested;
  rules(R"({"rules": [{"module": 3, "conditions": [{"key": "a", "value": "b"}]}]})", nested);
  EXPECT_TRUE(nested.contains("rules[0].module"));
}

TEST(CircuitBreaker, MatchesOnlyTheRulesOfItsModule) {
  test::TempDir dir;
  Database database("sqlite:" + (dir.path() / "w.db").string());
  CircuitBreaker breaker(database);
  breaker.replace(good_rules(R"({"rules": [
      {"id": "n", "conditions": [{"key": "strategy_id", "value": "1"}]},
      {"id": "a", "module": "action", "conditions": [{"key": "strategy_id", "value": "2"}]},
      {"id": "both", "module": "all", "conditions": [{"key": "strategy_id", "value": "3"}]},
      {"id": "p", "module": "action", "conditions": [{"key": "policy", "value": "cleanup"}]}]})"));
  EXPECT_EQ(breaker.match(alert({{"strategy_id", "1"}}), "c", 0), "n");
  EXPECT_EQ(breaker.match("action", alert({{"strategy_id", "1"}}), "", 0), std::nullopt);
  EXPECT_EQ(breaker.match(alert({{"strategy_id", "2"}}), "c", 0), std::nullopt);
  EXPECT_EQ(breaker.match("action", alert({{"strategy_id", "2"}}), "", 0), "a");
  EXPECT_EQ(breaker.match(alert({{"strategy_id", "3"}}), "c", 0), "both");
  EXPECT_EQ(breaker.match("action", alert({{"strategy_id", "3"}}), "", 0), "both");
  EXPECT_EQ(breaker.match("action", alert({}), "", 0, {{"policy", "cleanup"}}), "p");
  EXPECT_EQ(breaker.match("action", alert({}), "", 0, {{"policy", "other"}}), std::nullopt);
  const auto c = breaker.counts(0);
  EXPECT_EQ(c.blocked_notices, 2u);
  EXPECT_EQ(c.blocked_actions, 3u);
  EXPECT_EQ(c.rules.at("notice"), 1u);
  EXPECT_EQ(c.rules.at("action"), 2u);
  EXPECT_EQ(c.rules.at("all"), 1u);
}

TEST(CircuitBreaker, AddsRemovesAndClearsOneModuleDurably) {
  test::TempDir dir;
  Database database("sqlite:" + (dir.path() / "w.db").string());
  {
    CircuitBreaker breaker(database);
    const auto added =
        breaker.add(rule(R"({"conditions": [{"key": "strategy_id", "value": "1"}]})"));
    EXPECT_EQ(added.id.rfind("cb_", 0), 0u) << added.id;
    breaker.add(rule(R"({"id": "act", "module": "action",
                         "conditions": [{"key": "strategy_id", "value": "2"}]})"));
    breaker.add(rule(R"({"id": "act2", "module": "action",
                         "conditions": [{"key": "strategy_id", "value": "3"}]})"));
    breaker.add(rule(R"({"id": "every", "module": "all",
                         "conditions": [{"key": "strategy_id", "value": "4"}]})"));
    try {
      breaker.add(rule(R"({"id": "act", "conditions": [{"key": "x", "value": "y"}]})"));
      ADD_FAILURE() << "a second rule \"act\" was added";
    } catch (const RequestError& e) {
      EXPECT_EQ(e.kind(), RequestError::Kind::conflict);
    }
    BreakRule bad;
    bad.module = "queue";
    EXPECT_THROW(breaker.add(bad), RequestError);
    EXPECT_EQ(breaker.rules().size(), 4u);
    EXPECT_TRUE(breaker.remove(added.id));
    EXPECT_FALSE(breaker.remove(added.id));
    EXPECT_FALSE(breaker.remove("nope"));
    EXPECT_EQ(breaker.match(alert({{"strategy_id", "1"}}), "c", 0), std::nullopt);
  }
  CircuitBreaker breaker(database);  // read back: order and modules kept
  auto rules = breaker.rules();
  ASSERT_EQ(rules.size(), 3u);
  EXPECT_EQ(rules[0].id, "act");
  EXPECT_EQ(rules[0].module, "action");
  EXPECT_EQ(rules[2].id, "every");
  EXPECT_EQ(breaker.clear("action"), 2u);  // exactly action: the `all` rule stays
  EXPECT_EQ(breaker.clear("action"), 0u);
  ASSERT_EQ(breaker.rules().size(), 1u);
  EXPECT_EQ(breaker.rules()[0].id, "every");
  EXPECT_EQ(CircuitBreaker(database).rules().size(), 1u);
  // After removing and re-adding, the new rule goes last and positions do not collide.
  breaker.add(
      rule(R"({"id": "act", "module": "action", "conditions": [{"key": "k", "value": "v"}]})"));
  ASSERT_EQ(CircuitBreaker(database).rules().size(), 2u);
  EXPECT_EQ(CircuitBreaker(database).rules()[1].id, "act");
}

TEST(CircuitBreaker, TheFirstBlockOfEachActivationIsReportedOnceOutsideTheLock) {
  test::TempDir dir;
  Database database("sqlite:" + (dir.path() / "w.db").string());
  std::vector<std::pair<std::string, std::string>> reported;
  std::size_t rules_seen = 0;
  CircuitBreaker* self = nullptr;
  CircuitBreaker breaker(database, [&](const BreakRule& r, const std::string& module) {
    reported.emplace_back(r.id, module);
    // Under the breaker's lock these would deadlock: reading, and matching the alert the report
    // itself would raise (the same rule again: no second report, so no loop).
    rules_seen = self->rules().size();
    Alert again = alert({{"strategy_id", "1"}});
    EXPECT_EQ(self->match(module, again, "c", 0), r.id);
  });
  self = &breaker;
  breaker.add(rule(R"({"id": "storm", "module": "all",
                       "conditions": [{"key": "strategy_id", "value": "1"}]})"));
  EXPECT_TRUE(reported.empty());  // added, but it has blocked nothing yet
  EXPECT_EQ(breaker.match(alert({{"strategy_id", "2"}}), "c", 0), std::nullopt);
  EXPECT_TRUE(reported.empty());
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(breaker.match(alert({{"strategy_id", "1"}}), "c", 0), "storm");
  EXPECT_EQ(breaker.match("action", alert({{"strategy_id", "1"}}), "", 0), "storm");
  ASSERT_EQ(reported.size(), 1u);
  EXPECT_EQ(reported[0], std::make_pair(std::string("storm"), std::string("notice")));
  EXPECT_EQ(rules_seen, 1u);
  EXPECT_EQ(breaker.counts(0).blocked_notices, 6u);  // the 5, and the callback's own

  // Replacing with the same rule keeps its activation; removing and adding again starts a new one.
  breaker.replace(breaker.rules());
  breaker.match(alert({{"strategy_id", "1"}}), "c", 0);
  EXPECT_EQ(reported.size(), 1u);
  ASSERT_TRUE(breaker.remove("storm"));
  breaker.add(rule(R"({"id": "storm", "module": "all",
                       "conditions": [{"key": "strategy_id", "value": "1"}]})"));
  breaker.match("action", alert({{"strategy_id", "1"}}), "", 0);
  breaker.match("action", alert({{"strategy_id", "1"}}), "", 0);
  ASSERT_EQ(reported.size(), 2u);
  EXPECT_EQ(reported[1], std::make_pair(std::string("storm"), std::string("action")));

  // A changed rule of the same id is a new activation too; and so is a rule the host starts with.
  breaker.replace(good_rules(R"({"rules": [{"id": "storm", "module": "all", "description": "new",
                                  "conditions": [{"key": "strategy_id", "value": "1"}]}]})"));
  breaker.match(alert({{"strategy_id", "1"}}), "c", 0);
  EXPECT_EQ(reported.size(), 3u);
  std::size_t restarted_reports = 0;
  CircuitBreaker restarted(database,
                           [&](const BreakRule&, const std::string&) { ++restarted_reports; });
  restarted.match(alert({{"strategy_id", "1"}}), "c", 0);
  restarted.match(alert({{"strategy_id", "1"}}), "c", 0);
  EXPECT_EQ(restarted_reports, 1u);
}

TEST(CircuitBreaker, ARuleStoredBeforeModulesIsANoticeRule) {
  test::TempDir dir;
  const auto uri = "sqlite:" + (dir.path() / "w.db").string();
  using namespace Poco::Data::Keywords;
  {
    Database database(uri);  // as a build before migration 16 left it
    auto s = database.session();
    s << "DELETE FROM schema_migrations WHERE version = 16", now;
    s << "ALTER TABLE circuit_breaking DROP COLUMN module", now;
    s << "INSERT INTO circuit_breaking (rule_id, position, rule_json) VALUES ('old', 0, "
         "'{\"id\":\"old\",\"description\":\"\",\"conditions\":[{\"key\":\"bk_biz_id\","
         "\"method\":\"eq\",\"value\":[\"100\"]}],\"end_time\":null}')",
        now;
  }
  Database database(uri);
  CircuitBreaker breaker(database);
  ASSERT_EQ(breaker.rules().size(), 1u);
  EXPECT_EQ(breaker.rules()[0].module, "notice");
  EXPECT_EQ(breaker.match(alert({{"bk_biz_id", "100"}}), "c", 0), "old");
  EXPECT_EQ(breaker.match("action", alert({{"bk_biz_id", "100"}}), "", 0), std::nullopt);
  EXPECT_EQ(breaker.clear("notice"), 1u);  // the column says notice too
  EXPECT_TRUE(CircuitBreaker(database).rules().empty());
}

}  // namespace
}  // namespace warden::host
