// The message_queue action kind: its params, and an attempt that commits the alert to the outbox
// (the relay is not started here: delivery is the Kafka e2e tests' subject).
#include "host/automation/kinds/message_queue_action.hpp"
#include "host/queue/outbox_relay.hpp"
#include "host/services/mustache_renderer.hpp"
#include "host/store/database.hpp"
#include "tests/host/automation/kinds/kind_inputs.hpp"
#include "tests/support/test_database.hpp"

#include <gtest/gtest.h>

namespace warden::host::test_kinds {
namespace {

class MessageQueueActionTest : public ::testing::Test {
 protected:
  test::TestDatabase where_{test::DatabaseKind::sqlite};
  Database db_{where_.uri()};
  OutboxStore store_{db_};
  // Made, never started: librdkafka connects only when it has something to send.
  OutboxRelay relay_{store_,
                     {.properties = {{"bootstrap.servers", "127.0.0.1:1"}}, .host_id = "h1"}};
  MustacheRenderer renderer_;
  MessageQueueAction kind_{&relay_, renderer_};
};

TEST_F(MessageQueueActionTest, AcceptsATopicAndAKeyTemplate) {
  auto errors = check(kind_, R"({"topic": "alerts.disk-v1", "key": "{{labels.host}}"})");
  EXPECT_TRUE(errors.empty()) << listed(errors);
  EXPECT_TRUE(check(kind_, R"({"topic": "alerts"})").empty());
}

TEST_F(MessageQueueActionTest, RefusesEveryBadFieldAtOnce) {
  auto errors = check(kind_, R"({"topic": "no spaces/here", "key": "{{#x}}", "colour": 1})");
  for (const auto* place : {"actions[0].topic", "actions[0].key", "actions[0].colour"})
    EXPECT_TRUE(errors.count(place)) << place << "\n" << listed(errors);
  EXPECT_TRUE(check(kind_, R"({})").count("actions[0].topic"));
  EXPECT_TRUE(check(kind_, R"({"topic": ".."})").count("actions[0].topic"));
  EXPECT_TRUE(
      check(kind_, R"({"topic": ")" + std::string(250, 'a') + "\"}").count("actions[0].topic"));
}

TEST_F(MessageQueueActionTest, WithoutMqConfAPolicyNamingItIsRefused) {
  MessageQueueAction without(nullptr, renderer_);
  auto errors = check(without, R"({"topic": "alerts"})");
  ASSERT_TRUE(errors.count("actions[0].kind")) << listed(errors);
  EXPECT_NE(errors["actions[0].kind"].find("mq_conf"), std::string::npos);
  const auto action = action_of("message_queue", R"({"topic": "alerts"})");
  const auto alert = disk_alert();
  EXPECT_EQ(without.run({action, data_of(action, {alert}), alert}).outcome,
            ActionAttempt::Outcome::failure);
}

TEST_F(MessageQueueActionTest, CommitsTheAlertAsJsonToTheOutbox) {
  const auto action =
      action_of("message_queue", R"({"topic": "alerts", "key": "{{labels.host}}"})");
  auto alert = disk_alert("db-7");
  alert.id = "al-1";
  const auto attempt = kind_.run({action, data_of(action, {alert}), alert});
  ASSERT_EQ(attempt.outcome, ActionAttempt::Outcome::success) << attempt.message;
  auto due = store_.due(std::numeric_limits<std::int64_t>::max() / 2, 10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].topic, "alerts");
  EXPECT_EQ(due[0].key, "db-7");
  auto json = object(due[0].payload);
  EXPECT_EQ(json->getValue<std::string>("title"), "Disk full on db-7");
  EXPECT_EQ(json->getValue<std::string>("id"), "al-1");
  const std::vector<std::pair<std::string, std::string>> headers = {
      {"warden-policy", "disk"},
      {"warden-action-id", "ac_test_message_queue"},
      {"warden-signal", "abnormal"}};
  EXPECT_EQ(due[0].headers, headers);
}

}  // namespace
}  // namespace warden::host::test_kinds
