// The webhook action kind: its params checked as the bundled webhook solution checks its condition,
// and an attempt that runs that solution as a task against a real receiver.
#include "host/automation/kinds/webhook_action.hpp"
#include "tests/host/automation/kinds/kind_inputs.hpp"
#include "tests/host/automation/kinds/task_kinds_fixture.hpp"
#include "tests/support/http_receiver.hpp"

namespace warden::host::test_kinds {
namespace {

using namespace std::chrono_literals;

class WebhookActionTest : public TaskKindsFixture {
 protected:
  ActionAttempt run(const ActionRecord& action, const Alert& alert) {
    const auto data = data_of(action, {alert});
    return kind.run({action, data, alert});
  }

  /// The params of a webhook to the receiver with `rest` (JSON members) added.
  std::string params(const std::string& rest) {
    return R"({"url": ")" + receiver.url("/hook") + "\"" + (rest.empty() ? "" : ", " + rest) + "}";
  }

  test::HttpReceiver receiver;
  WebhookAction kind{tasks, registry, renderer};
};

TEST_F(WebhookActionTest, AcceptsACompleteWebhook) {
  auto errors = check(kind, params(R"("method": "PUT", "headers": "X-Team: storage",
      "body": "{\"alert\": \"{{title}}\", \"labels\": \"{{labels.bk_biz_id}}\"}")"));
  EXPECT_TRUE(errors.empty()) << listed(errors);
  errors = check(kind, params(""));
  EXPECT_TRUE(errors.empty()) << listed(errors);
}

TEST_F(WebhookActionTest, RefusesEveryBadFieldAtOnce) {
  const auto errors = check(kind, R"({"url": "ftp://example.com/x", "method": "DELETE",
      "headers": "no colon here", "retries": 2, "colour": "red"})");
  for (const auto* place : {"actions[0].url", "actions[0].method", "actions[0].headers",
                            "actions[0].retries", "actions[0].colour"})
    EXPECT_TRUE(errors.count(place)) << place << "\n" << listed(errors);
  EXPECT_TRUE(check(kind, R"({"method": "POST"})").count("actions[0].url"));
  EXPECT_TRUE(check(kind, R"({"url": 7})").count("actions[0].url"));
}

TEST_F(WebhookActionTest, RefusesABodyThatDoesNotRender) {
  auto errors = check(kind, params(R"("body": "{\"alert\": \"{{#title}}\"}")"));
  ASSERT_TRUE(errors.count("actions[0].body")) << listed(errors);
  EXPECT_NE(errors["actions[0].body"].find("line 1"), std::string::npos)
      << errors["actions[0].body"];
  errors = check(kind, params(R"("body": "{\"alert\": {{title}}}")"));
  ASSERT_TRUE(errors.count("actions[0].body"))
      << "a JSON body must render as JSON: " << listed(errors);
  errors = check(kind, params(R"("body": "alert {{title}}")"));
  EXPECT_TRUE(errors.empty()) << "a text body is not JSON: " << listed(errors);
}

TEST_F(WebhookActionTest, CallsTheUrlWithTheBodyRenderedFromTheAlert) {
  const auto action = action_of("webhook", params(R"("headers": "X-Team: storage",
      "body": "{\"alert\": \"{{title}}\", \"env\": \"{{labels.env}}\", \"policy\": \"{{policy}}\"}")"));
  auto alert = disk_alert();
  alert.title = "Disk \"full\"\n{{not a tag}}";
  const auto attempt = run(action, alert);
  ASSERT_EQ(attempt.outcome, ActionAttempt::Outcome::pending) << attempt.message;
  const auto task = ended(attempt.task_id);
  EXPECT_EQ(task.status, TaskStatus::finished) << task.message();
  EXPECT_EQ(task.service, "webhook");
  EXPECT_EQ(task.action_id, action.id);

  ASSERT_TRUE(receiver.wait_for(1, 60s));
  const auto request = receiver.requests().at(0);
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.header("X-Team"), "storage");
  EXPECT_EQ(request.header("Content-Type"), "application/json");
  const auto body = object(request.body);
  EXPECT_EQ(body->getValue<std::string>("alert"), alert.title)
      << "escaped for JSON, never rendered twice: " << request.body;
  EXPECT_EQ(body->getValue<std::string>("env"), "production");
  EXPECT_EQ(body->getValue<std::string>("policy"), "disk");
}

TEST_F(WebhookActionTest, ATextBodyIsSentAsRendered) {
  const auto action = action_of("webhook", params(R"("method": "PUT", "body": "{{title}} & co")"));
  const auto attempt = run(action, disk_alert());
  ASSERT_EQ(attempt.outcome, ActionAttempt::Outcome::pending) << attempt.message;
  EXPECT_EQ(ended(attempt.task_id).status, TaskStatus::finished);
  ASSERT_TRUE(receiver.wait_for(1, 60s));
  const auto request = receiver.requests().at(0);
  EXPECT_EQ(request.method, "PUT");
  EXPECT_EQ(request.body, "Disk full on db-1 & co");
  EXPECT_EQ(request.header("Content-Type"), "text/plain; charset=utf-8");
}

TEST_F(WebhookActionTest, AFailingServerFailsTheTaskOnceTheActionRetriesIt) {
  receiver.respond("/hook", {503, "down"});
  const auto attempt = run(action_of("webhook", params("")), disk_alert());
  ASSERT_EQ(attempt.outcome, ActionAttempt::Outcome::pending) << attempt.message;
  const auto task = ended(attempt.task_id);
  EXPECT_EQ(task.status, TaskStatus::failed);
  EXPECT_EQ(receiver.requests().size(), 1u) << "the task itself does not retry";
}

}  // namespace
}  // namespace warden::host::test_kinds
