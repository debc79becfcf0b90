// The solution action kind: a policy's condition checked as create_task checks one, and an attempt
// that starts a real task of the bundled `test` solution with the alert as its alarm.
#include "host/automation/kinds/solution_action.hpp"
#include "tests/host/automation/kinds/kind_inputs.hpp"
#include "tests/host/automation/kinds/task_kinds_fixture.hpp"

#include <map>

namespace warden::host::test_kinds {
namespace {

class SolutionActionTest : public TaskKindsFixture {
 protected:
  ActionAttempt run(const ActionRecord& action, const Alert& alert) {
    const auto data = data_of(action, {alert});
    return kind.run({action, data, alert});
  }

  std::map<std::string, SavedSolution> saved;
  SolutionAction kind{tasks, registry, renderer,
                      [this](const std::string& name) -> std::optional<SavedSolution> {
                        auto it = saved.find(name);
                        if (it == saved.end()) return std::nullopt;
                        return it->second;
                      }};
};

TEST_F(SolutionActionTest, AcceptsASavedSolutionOrAPluginWithItsCondition) {
  saved["cleanup"] = {"cleanup", "test", object(R"({"message": "x"})"), "", 0};
  EXPECT_TRUE(check(kind, R"({"solution": "cleanup"})").empty());
  EXPECT_TRUE(check(kind, R"({"plugin": "test", "condition": {"message": "hi"}})").empty());
  EXPECT_TRUE(check(kind, R"({"plugin": "test"})").empty()) << "no condition: {}";
  const auto errors =
      check(kind, R"({"plugin": "sleep", "condition": "{\"seconds\": {{restart_index}}}"})");
  EXPECT_TRUE(errors.empty()) << listed(errors);
}

TEST_F(SolutionActionTest, RefusesNeitherOrBothWaysAndUnknownNames) {
  EXPECT_TRUE(check(kind, R"({})").count("actions[0].solution"));
  EXPECT_TRUE(check(kind, R"({"solution": "a", "plugin": "test"})").count("actions[0].plugin"));
  auto errors = check(kind, R"({"solution": "nothing-saved", "condition": {}, "colour": 1})");
  EXPECT_TRUE(errors.count("actions[0].solution")) << listed(errors);
  EXPECT_TRUE(errors.count("actions[0].condition")) << listed(errors);
  EXPECT_TRUE(errors.count("actions[0].colour")) << listed(errors);
  EXPECT_NE(errors["actions[0].solution"].find("nothing-saved"), std::string::npos);
  errors = check(kind, R"({"plugin": "nope"})");
  EXPECT_TRUE(errors.count("actions[0].plugin")) << listed(errors);
  errors = check(kind, R"({"plugin": "http_callback"})");
  EXPECT_TRUE(errors.count("actions[0].plugin"))
      << "a channel is not a solution: " << listed(errors);
}

TEST_F(SolutionActionTest, RefusesEveryBadConditionFieldAtOnce) {
  const auto errors =
      check(kind, R"({"plugin": "scripted", "condition": {"mode": "dance", "delay_ms": "soon",
          "colour": 1}})");
  EXPECT_TRUE(errors.count("actions[0].condition.mode")) << listed(errors);
  EXPECT_TRUE(errors.count("actions[0].condition.delay_ms")) << listed(errors);
  EXPECT_TRUE(errors.count("actions[0].condition.colour")) << listed(errors);
}

TEST_F(SolutionActionTest, RefusesAConditionTemplateThatDoesNotMakeAValidCondition) {
  auto errors = check(kind, R"({"plugin": "test", "condition": "{\"message\": \"{{#title}}\"}"})");
  ASSERT_TRUE(errors.count("actions[0].condition")) << listed(errors);
  EXPECT_NE(errors["actions[0].condition"].find("line 1"), std::string::npos)
      << errors["actions[0].condition"];
  errors = check(kind, R"({"plugin": "test", "condition": "message: {{title}}"})");
  ASSERT_TRUE(errors.count("actions[0].condition")) << listed(errors);
  EXPECT_NE(errors["actions[0].condition"].find("not JSON"), std::string::npos);
  errors = check(kind, R"({"plugin": "test", "condition": "[1, 2]"})");
  EXPECT_NE(errors["actions[0].condition"].find("not a JSON object"), std::string::npos);
  errors = check(kind, R"({"plugin": "sleep", "condition": "{\"seconds\": \"{{title}}\"}"})");
  EXPECT_TRUE(errors.count("actions[0].condition.seconds"))
      << "rendered with the sample, then checked against the fields: " << listed(errors);
  errors = check(kind, R"({"plugin": "test", "condition": 7})");
  EXPECT_TRUE(errors.count("actions[0].condition")) << listed(errors);
}

TEST_F(SolutionActionTest, RunsATaskWithTheAlertAsItsAlarm) {
  auto action = action_of("solution", R"({"plugin": "test",
      "condition": "{\"message\": \"{{title}} ({{labels.env}})\"}"})",
                          "abnormal", 120);
  auto alert = disk_alert();
  alert.title = "Disk \"full\" {{not a tag}}";
  const auto attempt = run(action, alert);
  ASSERT_EQ(attempt.outcome, ActionAttempt::Outcome::pending) << attempt.message;
  ASSERT_FALSE(attempt.task_id.empty());

  const auto task = ended(attempt.task_id);
  EXPECT_EQ(task.status, TaskStatus::finished) << task.message();
  EXPECT_EQ(task.action_id, action.id);
  EXPECT_EQ(task.timeout_ms, 120'000) << "the action's timeout";
  const auto output = object(task.result);
  EXPECT_EQ(output->getValue<std::string>("message"), "Disk \"full\" {{not a tag}} (production)")
      << "rendered with JSON escaping, and never rendered again";
  EXPECT_EQ(output->getValue<std::string>("alarm_title"), alert.title);
  const auto labels = output->getObject("alarm_labels");
  ASSERT_TRUE(labels);
  EXPECT_EQ(labels->getValue<std::string>("env"), "production");
  EXPECT_EQ(labels->getValue<std::string>("team"), "storage");
  EXPECT_EQ(labels->getValue<std::string>("host"), "db-1");
}

TEST_F(SolutionActionTest, RunsASavedSolution) {
  saved["cleanup"] = {"cleanup", "test", object(R"({"message": "as saved"})"), "", 0};
  const auto attempt = run(action_of("solution", R"({"solution": "cleanup"})"), disk_alert());
  ASSERT_EQ(attempt.outcome, ActionAttempt::Outcome::pending) << attempt.message;
  const auto task = ended(attempt.task_id);
  EXPECT_EQ(object(task.result)->getValue<std::string>("message"), "as saved");
  EXPECT_EQ(task.service, "test");

  saved["templated"] = {"templated", "test",
                        Poco::Dynamic::Var(std::string(R"({"message": "{{subject}}"})")), "", 0};
  const auto second = run(action_of("solution", R"({"solution": "templated"})"), disk_alert());
  ASSERT_EQ(second.outcome, ActionAttempt::Outcome::pending) << second.message;
  EXPECT_EQ(object(ended(second.task_id).result)->getValue<std::string>("message"), "db-1 /data");
}

TEST_F(SolutionActionTest, WhatCannotStartIsAFailureSayingWhy) {
  auto attempt = run(action_of("solution", R"({"solution": "deleted"})"), disk_alert());
  EXPECT_EQ(attempt.outcome, ActionAttempt::Outcome::failure);
  EXPECT_NE(attempt.message.find("deleted"), std::string::npos) << attempt.message;

  attempt =
      run(action_of("solution", R"({"plugin": "test", "condition": "{{title}}"})"), disk_alert());
  EXPECT_EQ(attempt.outcome, ActionAttempt::Outcome::failure);
  EXPECT_NE(attempt.message.find("not JSON"), std::string::npos) << attempt.message;

  attempt = run(action_of("solution", R"({"plugin": "sleep", "condition": {"seconds": "x"}})"),
                disk_alert());
  EXPECT_EQ(attempt.outcome, ActionAttempt::Outcome::failure);
  EXPECT_NE(attempt.message.find("seconds"), std::string::npos) << attempt.message;
  EXPECT_TRUE(attempt.task_id.empty());
}

}  // namespace
}  // namespace warden::host::test_kinds
