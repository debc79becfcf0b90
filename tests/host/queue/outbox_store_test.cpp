#include "host/queue/outbox_store.hpp"
#include "host/runtime/ids.hpp"
#include "host/store/database.hpp"
#include "host/tasks/task_store.hpp"
#include "tests/support/test_database.hpp"

#include <Poco/Data/Session.h>
#include <gtest/gtest.h>

namespace warden::host {
namespace {

OutboxMessage message(const std::string& topic, std::int64_t created_ms) {
  OutboxMessage m;
  m.id = uuid_v7(created_ms);
  m.topic = topic;
  m.key = "k-" + std::to_string(created_ms);
  m.payload = R"({"Task":{"condition":{"password":"s3cret; DROP TABLE outbox; --"}}})";
  m.headers = {{"warden-generation", "0"}, {"h\"x", "v\nw"}};
  m.created_ms = created_ms;
  return m;
}

class Outbox : public ::testing::TestWithParam<test::DatabaseKind> {
 protected:
  test::TestDatabase where_{GetParam()};
  Database db_{where_.uri()};
  OutboxStore outbox_{db_};
};

TEST_P(Outbox, KeepsMessagesUntilSentOldestFirst) {
  auto a = message("t1", 1000), b = message("t2", 2000), c = message("t1", 3000);
  outbox_.append({c, a, b});
  auto due = outbox_.due(5000, 10);
  ASSERT_EQ(due.size(), 3u);
  EXPECT_EQ(due[0].id, a.id);
  EXPECT_EQ(due[2].id, c.id);
  EXPECT_EQ(due[0].payload, a.payload);
  EXPECT_EQ(due[0].headers, a.headers);
  EXPECT_EQ(due[0].key, a.key);
  EXPECT_EQ(outbox_.counts().pending, 3);
  // The rescan leaves the youngest rows to the hand-off.
  EXPECT_EQ(outbox_.due(5000, 10, 2000).size(), 2u);
  EXPECT_EQ(outbox_.counts().oldest_pending_ms, 1000);

  outbox_.mark_sent({a.id, c.id}, 6000);
  due = outbox_.due(6000, 10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].id, b.id);
  EXPECT_EQ(outbox_.counts().oldest_pending_ms, 2000);
  EXPECT_EQ(outbox_.prune_sent(6001), 2u);
}

TEST_P(Outbox, ARetryWaitsForItsTimeAndAFailureLeavesThePendingOnes) {
  auto a = message("t1", 1000), b = message("t1", 1001);
  outbox_.append({a, b});
  outbox_.mark_retry(a.id, 1, 9000, "Local: Message timed out");
  auto due = outbox_.due(5000, 10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].id, b.id);
  due = outbox_.due(9000, 10);
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0].attempts, 1);
  outbox_.mark_failed(b.id, 1, "Broker: Message size too large");
  auto counts = outbox_.counts();
  EXPECT_EQ(counts.pending, 1);
  EXPECT_EQ(counts.failed, 1);
}

TEST_P(Outbox, ThePayloadIsSealedAtRest) {
  auto a = message("t1", 1000);
  outbox_.append({a});
  auto session = db_.session();
  std::string stored;
  session << "SELECT payload FROM outbox", Poco::Data::Keywords::into(stored),
      Poco::Data::Keywords::now;
  if (db_.secrets()) {
    EXPECT_EQ(stored.find("s3cret"), std::string::npos) << stored;
  }
  EXPECT_EQ(outbox_.due(2000, 1).at(0).payload, a.payload);
}

TEST_P(Outbox, ATaskAndItsMessageCommitTogether) {
  SqlTaskStore tasks(db_);
  TaskRecord r;
  r.task_id = "ts_aaa_1";
  r.service = "aaa";
  r.create_ms = 1000;
  r.outbox = std::make_shared<const OutboxMessage>(message("mq_aaa", 1000));
  tasks.write({r});
  ASSERT_TRUE(tasks.find("ts_aaa_1"));
  auto due = outbox_.due(2000, 10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].topic, "mq_aaa");

  // A batch whose write fails stores neither the task nor its message.
  TaskRecord bad = r;
  bad.task_id = "ts_aaa_2";
  bad.outbox = std::make_shared<const OutboxMessage>(message("mq_aaa", 1000));
  TaskRecord twin = bad;
  twin.task_id = "ts_aaa_3";
  twin.outbox = r.outbox;  // the first message's id again: the insert fails
  EXPECT_ANY_THROW(tasks.write({bad, twin}));
  EXPECT_FALSE(tasks.find("ts_aaa_2"));
  EXPECT_EQ(outbox_.due(2000, 10).size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Kinds, Outbox, ::testing::ValuesIn(test::database_kinds()),
                         test::database_kind_name);

}  // namespace
}  // namespace warden::host
