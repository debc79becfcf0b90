// Policies: reading a body (every refusal at once, hostile sizes, RE2 patterns) and matching.
#include "host/automation/policy.hpp"

#include <warden/json_value.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

namespace warden::host {
namespace {

Poco::JSON::Object::Ptr parse(const std::string& text) {
  return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::string describe(const std::map<std::string, std::string>& errors) {
  std::string out;
  for (const auto& [place, message] : errors) out += place + ": " + message + "\n";
  return out;
}

Policy read(const std::string& body, const std::string& name = "p") {
  std::map<std::string, std::string> errors;
  auto policy = policy_from_json(name, *parse(body), errors);
  EXPECT_TRUE(errors.empty()) << describe(errors);
  return policy;
}

std::map<std::string, std::string> refusals(const Poco::JSON::Object& body,
                                            const std::string& name = "p") {
  std::map<std::string, std::string> errors;
  policy_from_json(name, body, errors);
  return errors;
}

std::map<std::string, std::string> refusals(const std::string& body,
                                            const std::string& name = "p") {
  return refusals(*parse(body), name);
}

const char* kDesignExample = R"({"order": 10, "enabled": true,
 "description": "disk full in production",
 "match": [{"field": "labels.env", "op": "eq", "value": "production"},
           {"field": "subject", "op": "regex", "value": "Disk.*"},
           {"field": "severity", "op": "in", "values": ["critical", "warning"]},
           {"field": "labels.team", "op": "neq", "value": "qa"}],
 "signals": ["abnormal", "recovered"],
 "continue": false,
 "approval_channels": ["oncall"],
 "defense": {"max_actions": 10, "window": 60},
 "actions": [
   {"kind": "solution", "solution": "disk-cleanup", "timeout": 600, "retries": 1,
    "retry_interval": 30, "approval": false, "approval_timeout": 3600},
   {"kind": "solution", "plugin": "sleep", "condition": "{\"seconds\": 1}"},
   {"kind": "notice", "channels": ["oncall"], "mode": "interval", "interval": 300, "max_times": 12,
    "templates": {"abnormal": {"title": "FIRING {{title}}", "message": "{{message}}"}},
    "group_by": ["cluster"], "group_wait": 30}]})";

Alert disk_alert() {
  Alert a;
  a.subject = "Disk /data full";
  a.severity = "critical";
  a.source = "prometheus";
  a.labels = {{"env", "production"}, {"team", "storage"}};
  return a;
}

TEST(PolicyRead, TheDesignExampleReadsWhole) {
  const auto policy = read(kDesignExample, "disk-full");
  EXPECT_EQ(policy.name, "disk-full");
  EXPECT_EQ(policy.order, 10);
  EXPECT_TRUE(policy.enabled);
  EXPECT_EQ(policy.description, "disk full in production");
  ASSERT_EQ(policy.match.size(), 4u);
  EXPECT_EQ(policy.match[0].field, "labels.env");
  EXPECT_EQ(policy.match[1].op, "regex");
  EXPECT_NE(policy.match[1].regex, nullptr);
  EXPECT_EQ(policy.match[2].values, (std::vector<std::string>{"critical", "warning"}));
  EXPECT_EQ(policy.signals, (std::vector<Signal>{Signal::abnormal, Signal::recovered}));
  EXPECT_FALSE(policy.continue_matching);
  EXPECT_EQ(policy.approval_channels, std::vector<std::string>{"oncall"});
  EXPECT_EQ(policy.defense.max_actions, 10);
  EXPECT_EQ(policy.defense.window_s, 60);
  ASSERT_EQ(policy.actions.size(), 3u);
  const auto& first = policy.actions[0];
  EXPECT_EQ(first.kind, "solution");
  EXPECT_EQ(first.retries, 1);
  EXPECT_EQ(first.retry_interval_s, 30);
  EXPECT_EQ(first.approval_timeout_s, 3600);
  // params: the kind's own fields, without the common ones.
  EXPECT_EQ(compact_json(*first.params), R"({"solution":"disk-cleanup"})");
  EXPECT_EQ(policy.actions[1].timeout_s, 600);  // the default
  EXPECT_TRUE(policy.actions[2].params->has("templates"));
  EXPECT_FALSE(policy.actions[2].params->has("kind"));
}

TEST(PolicyRead, DefaultsForAMinimalBody) {
  const auto policy = read("{}");
  EXPECT_EQ(policy.order, 0);
  EXPECT_TRUE(policy.enabled);
  EXPECT_TRUE(policy.match.empty());
  EXPECT_EQ(policy.signals, std::vector<Signal>{Signal::abnormal});
  EXPECT_EQ(policy.defense.max_actions, 0);
  EXPECT_TRUE(policy.actions.empty());
  EXPECT_EQ(read(R"({"match": [{"field": "source", "value": "x"}]})").match[0].op, "eq");
}

TEST(PolicyRead, TheStoredFormReadsBackTheSame) {
  const auto policy = read(kDesignExample, "disk-full");
  const auto text = compact_json(*policy_to_json(policy));
  const auto again = read(text, "disk-full");
  EXPECT_EQ(compact_json(*policy_to_json(again)), text);
  EXPECT_TRUE(again.matches(disk_alert(), Signal::recovered));
}

TEST(PolicyRead, EveryBadFieldIsReportedAtOnce) {
  const auto errors = refusals(R"({"name": "other", "order": 1.5, "enabled": "yes",
    "description": 7, "colour": "red",
    "match": [{"field": "nope", "op": "eq", "value": "x"},
              {"field": "labels.", "op": "like", "value": "x"},
              {"field": "source", "op": "regex", "value": "("},
              {"field": "source", "op": "in", "values": []},
              {"field": "source", "op": "in", "value": "x", "values": [1]},
              {"field": "source", "op": "eq", "values": ["x"], "extra": true},
              "not an object"],
    "signals": ["abnormal", "firing", "abnormal"],
    "continue": 1,
    "approval_channels": ["ok-name", "bad name!", 3],
    "defense": {"max_actions": -1, "window": 0, "burst": 2},
    "actions": [{"timeout": 0, "retries": 21, "retry_interval": -1, "approval": "no",
                 "approval_timeout": 0},
                {"kind": ""}, {"kind": 5}, []]})");
  const std::vector<std::string> expected{"name",
                                          "order",
                                          "enabled",
                                          "description",
                                          "colour",
                                          "match[0].field",
                                          "match[1].field",
                                          "match[1].op",
                                          "match[2].value",
                                          "match[3].values",
                                          "match[4].value",
                                          "match[4].values[0]",
                                          "match[5].values",
                                          "match[5].value",
                                          "match[5].extra",
                                          "match[6]",
                                          "signals[1]",
                                          "signals[2]",
                                          "continue",
                                          "approval_channels[1]",
                                          "approval_channels[2]",
                                          "defense.max_actions",
                                          "defense.window",
                                          "defense.burst",
                                          "actions[0].kind",
                                          "actions[0].timeout",
                                          "actions[0].retries",
                                          "actions[0].retry_interval",
                                          "actions[0].approval",
                                          "actions[0].approval_timeout",
                                          "actions[1].kind",
                                          "actions[2].kind",
                                          "actions[3]"};
  for (const auto& place : expected) EXPECT_TRUE(errors.contains(place)) << place;
  EXPECT_EQ(errors.size(), expected.size()) << describe(errors);
  EXPECT_NE(errors.at("match[2].value").find("not a valid RE2 pattern"), std::string::npos);
  EXPECT_NE(errors.at("actions[0].retries").find("from 0 to 20"), std::string::npos);
}

TEST(PolicyRead, AnActionMayRunForSomeOfThePolicysSignalsOnly) {
  const auto policy = read(R"({"signals": ["abnormal", "recovered"], "actions": [
      {"kind": "solution", "signals": ["abnormal"]}, {"kind": "notice"}]})");
  ASSERT_EQ(policy.actions.size(), 2u);
  EXPECT_EQ(policy.actions[0].signals, std::vector<Signal>{Signal::abnormal});
  EXPECT_TRUE(policy.actions[1].signals.empty());
  EXPECT_FALSE(policy.actions[0].params->has("signals")) << "a common field, not the kind's";
  std::map<std::string, std::string> errors;
  EXPECT_EQ(policy_from_json("p", *policy_to_json(policy), errors).actions[0].signals,
            std::vector<Signal>{Signal::abnormal});
  EXPECT_EQ(refusals(R"({"actions": [{"kind": "notice", "signals": ["firing"]}]})")
                .count("actions[0].signals[0]"),
            1u);
}

TEST(PolicyRead, ContainersOfTheWrongTypeAreRefused) {
  const auto errors = refusals(R"({"match": {}, "signals": "abnormal", "approval_channels": "x",
    "defense": [], "actions": {}})");
  for (const auto* place : {"match", "signals", "approval_channels", "defense", "actions"})
    EXPECT_TRUE(errors.contains(place)) << place << "\n" << describe(errors);
  EXPECT_TRUE(refusals(R"({"signals": []})").contains("signals"));
}

TEST(PolicyRead, NamesAreOneTo64SafeCharacters) {
  EXPECT_TRUE(refusals("{}", "").contains("name"));
  EXPECT_TRUE(refusals("{}", std::string(65, 'a')).contains("name"));
  EXPECT_TRUE(refusals("{}", "a/b").contains("name"));
  EXPECT_TRUE(refusals("{}", "a b").contains("name"));
  EXPECT_TRUE(refusals("{}", std::string(64, 'a')).empty());
  EXPECT_TRUE(refusals("{}", "Disk_full-2.prod").empty());
  EXPECT_TRUE(refusals(R"({"name": "p"})", "p").empty());  // the stored form names itself
}

Poco::JSON::Object::Ptr with_conditions(std::size_t n) {
  Poco::JSON::Array::Ptr match = new Poco::JSON::Array;
  for (std::size_t i = 0; i < n; ++i) {
    Poco::JSON::Object::Ptr c = new Poco::JSON::Object;
    c->set("field", "labels.k" + std::to_string(i));
    c->set("op", "regex");
    c->set("value", "v.*");
    match->add(c);
  }
  Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
  body->set("match", match);
  return body;
}

Poco::JSON::Object::Ptr with_actions(std::size_t n) {
  Poco::JSON::Array::Ptr actions = new Poco::JSON::Array;
  for (std::size_t i = 0; i < n; ++i) actions->add(parse(R"({"kind": "notice"})"));
  Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
  body->set("actions", actions);
  return body;
}

TEST(PolicyRead, ConditionsAndActionsAreBounded) {
  EXPECT_TRUE(refusals(*with_conditions(64)).empty());
  const auto many = refusals(*with_conditions(10'000));
  ASSERT_EQ(many.size(), 1u) << describe(many);  // one refusal, not ten thousand
  EXPECT_EQ(many.at("match"), "may hold at most 64 items, not 10000");
  EXPECT_TRUE(refusals(*with_conditions(65)).contains("match"));

  EXPECT_TRUE(refusals(*with_actions(32)).empty());
  const auto actions = refusals(*with_actions(33));
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_TRUE(actions.contains("actions"));

  Poco::JSON::Array::Ptr values = new Poco::JSON::Array;
  for (int i = 0; i < 100'000; ++i) values->add("v");
  Poco::JSON::Object::Ptr in = new Poco::JSON::Object;
  in->set("field", "source");
  in->set("op", "in");
  in->set("values", values);
  Poco::JSON::Array::Ptr match = new Poco::JSON::Array;
  match->add(in);
  Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
  body->set("match", match);
  const auto big_in = refusals(*body);
  ASSERT_EQ(big_in.size(), 1u) << describe(big_in);
  EXPECT_TRUE(big_in.contains("match[0].values"));
}

TEST(PolicyRead, HugeStringsAreRefusedNotKept) {
  const std::string huge(1 << 20, 'x');
  Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
  body->set("description", huge);
  Poco::JSON::Array::Ptr match = new Poco::JSON::Array;
  for (const auto& [field, op] : std::vector<std::pair<std::string, std::string>>{
           {huge, "eq"}, {"source", "eq"}, {"source", "regex"}, {"source", huge}}) {
    Poco::JSON::Object::Ptr c = new Poco::JSON::Object;
    c->set("field", field);
    c->set("op", op);
    c->set("value", field == huge || op == huge ? std::string("x") : huge);
    match->add(c);
  }
  body->set("match", match);
  Poco::JSON::Array::Ptr actions = new Poco::JSON::Array;
  actions->add(parse(R"({"kind": ")" + huge + R"("})"));
  body->set("actions", actions);
  const auto errors = refusals(*body);
  for (const auto* place : {"description", "match[0].field", "match[1].value", "match[2].value",
                            "match[3].op", "actions[0].kind"})
    EXPECT_TRUE(errors.contains(place)) << place << "\n" << describe(errors);
  for (const auto& [place, message] : errors) EXPECT_LT(message.size(), 300u) << place;
  EXPECT_NE(errors.at("match[2].value").find("at most 1024 bytes"), std::string::npos);

  // A pattern of exactly 1 KiB is fine.
  const auto fine = refusals(R"({"match": [{"field": "source", "op": "regex", "value": ")" +
                             std::string(1024, 'a') + R"("}]})");
  EXPECT_TRUE(fine.empty()) << describe(fine);
}

TEST(PolicyRead, PatternsRE2CannotRunLinearlyAreRefused) {
  for (const auto* pattern : {R"((a)\\1)", R"((?=a)b)", R"(((a{1000}){1000}){1000})", "[z-a]"}) {
    const auto errors = refusals(R"({"match": [{"field": "source", "op": "regex", "value": ")" +
                                 std::string(pattern) + R"("}]})");
    EXPECT_TRUE(errors.contains("match[0].value")) << pattern;
  }
}

TEST(PolicyRead, APatternThatCompilesTooBigIsRefusedSayingSo) {
  const auto errors =
      refusals(R"({"match": [{"field": "title", "op": "regex", "value": "\\p{L}{1,100}"},
                             {"field": "title", "op": "regex", "value": "\\p{Han}{1,20}"}]})");
  ASSERT_EQ(errors.size(), 1u) << describe(errors);
  EXPECT_EQ(errors.at("match[0].value"),
            "the pattern compiles to more than 1 MiB: use fewer or smaller repeats");
}

TEST(PolicyMatch, CatastrophicLookingPatternsRunInLinearTime) {
  // A backtracking engine takes exponential time on these (2^100000 steps: the test would never
  // end); RE2 runs them in time linear in the text.
  const auto policy = read(R"({"match": [
      {"field": "subject", "op": "regex", "value": "(a+)+$"},
      {"field": "title", "op": "regex", "value": "(a|aa)*b"},
      {"field": "message", "op": "regex", "value": "(x+x+)+y"}]})");
  Alert alert;
  alert.subject = std::string(100'000, 'a') + "!";
  alert.title = std::string(100'000, 'a');
  alert.message = std::string(100'000, 'x');
  EXPECT_FALSE(policy.match[0].matches(alert));
  EXPECT_FALSE(policy.match[1].matches(alert));
  EXPECT_FALSE(policy.match[2].matches(alert));
  alert.subject.pop_back();
  EXPECT_TRUE(policy.match[0].matches(alert));
}

TEST(PolicyMatch, OperatorsOnFieldsAndLabels) {
  const auto p = read(R"({"match": [
      {"field": "severity", "op": "eq", "value": "critical"},
      {"field": "labels.env", "op": "eq", "value": "production"},
      {"field": "source", "op": "neq", "value": "grafana"},
      {"field": "labels.team", "op": "neq", "value": "qa"},
      {"field": "subject", "op": "regex", "value": "Disk .* full"},
      {"field": "labels.env", "op": "regex", "value": "prod"},
      {"field": "severity", "op": "in", "values": ["warning", "critical"]},
      {"field": "labels.team", "op": "in", "values": ["storage", "db"]},
      {"field": "labels.absent", "op": "eq", "value": ""},
      {"field": "labels.absent", "op": "neq", "value": "x"}]})");
  const auto alert = disk_alert();
  const std::vector<bool> expected{true, true, true, true, true, false, true, true, true, true};
  for (std::size_t i = 0; i < expected.size(); ++i)
    EXPECT_EQ(p.match[i].matches(alert), expected[i]) << "match[" << i << "]";

  auto other = alert;
  other.severity = "info";
  other.source = "grafana";
  other.labels = {{"env", "staging"}, {"team", "qa"}};
  other.subject = "Disk /data full!";  // the regex must match the whole value
  for (std::size_t i = 0; i < 8; ++i)
    EXPECT_FALSE(p.match[i].matches(other)) << "match[" << i << "]";
  EXPECT_EQ(read(R"({"match": [{"field": "subject", "op": "regex", "value": "Disk"}]})")
                .match[0]
                .matches(alert),
            false);
}

TEST(PolicyMatch, AllConditionsSignalsAndEnabled) {
  const auto alert = disk_alert();
  auto p = read(R"({"match": [{"field": "labels.env", "value": "production"},
                              {"field": "severity", "value": "critical"}],
                   "signals": ["abnormal", "closed"]})");
  EXPECT_TRUE(p.matches(alert, Signal::abnormal));
  EXPECT_TRUE(p.matches(alert, Signal::closed));
  EXPECT_FALSE(p.matches(alert, Signal::recovered));
  EXPECT_FALSE(p.matches(alert, Signal::no_data));
  auto info = alert;
  info.severity = "info";
  EXPECT_FALSE(p.matches(info, Signal::abnormal));
  p.enabled = false;
  EXPECT_FALSE(p.matches(alert, Signal::abnormal));
  EXPECT_TRUE(read("{}").matches(Alert{}, Signal::abnormal));  // no conditions: every alert
}

std::vector<std::shared_ptr<const Policy>> book(const std::vector<std::string>& bodies) {
  std::vector<std::shared_ptr<const Policy>> out;
  for (std::size_t i = 0; i < bodies.size(); ++i)
    out.push_back(std::make_shared<const Policy>(read(bodies[i], "p" + std::to_string(i))));
  return out;
}

std::vector<std::string> names(const std::vector<std::shared_ptr<const Policy>>& policies) {
  std::vector<std::string> out;
  for (const auto& p : policies) out.push_back(p->name);
  return out;
}

TEST(PolicyMatch, TheFirstMatchStopsTheSearchUnlessItContinues) {
  const auto policies = book({
      R"({"match": [{"field": "labels.env", "value": "staging"}]})",  // p0: no match
      R"({"enabled": false})",                                        // p1: disabled
      R"({"continue": true})",                                        // p2: takes, goes on
      R"({"signals": ["recovered"]})",                                // p3: another signal
      R"({"match": [{"field": "severity", "value": "critical"}]})",   // p4: takes, stops
      R"({})",                                                        // p5: never reached
  });
  const auto alert = disk_alert();
  EXPECT_EQ(names(matching_policies(policies, alert, Signal::abnormal)),
            (std::vector<std::string>{"p2", "p4"}));
  EXPECT_EQ(names(matching_policies(policies, alert, Signal::recovered)),
            std::vector<std::string>{"p3"});
  auto info = alert;
  info.severity = "info";
  EXPECT_EQ(names(matching_policies(policies, info, Signal::abnormal)),
            (std::vector<std::string>{"p2", "p5"}));
  EXPECT_TRUE(matching_policies({}, alert, Signal::abnormal).empty());
}

}  // namespace
}  // namespace warden::host
