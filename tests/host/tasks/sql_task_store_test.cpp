#include "host/runtime/alert_json.hpp"
#include "host/runtime/ids.hpp"
#include "host/store/database.hpp"
#include "host/tasks/task_store.hpp"
#include "tests/support/test_database.hpp"

#include <warden/json_value.hpp>

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace warden::host {
namespace {

TaskRecord sample(const std::string& id, std::int64_t create_ms) {
  TaskRecord r;
  r.task_id = id;
  r.service = "svc";
  r.source_name = "mongo";
  r.condition = R"({"x": "it's \"quoted\"; DROP TABLE tasks; --"})";
  r.status = TaskStatus::running;
  r.create_ms = create_ms;
  r.start_ms = create_ms + 1;
  r.messages = {{"running", "on it"}, {"waiting", "queued"}};
  r.result = R"({"k": [1, 2]})";
  r.step = "step2";
  r.state = R"({"n": 1})";
  r.wait = TaskWait::poll;
  r.wake_ms = create_ms + 5;
  r.poll = R"({"url": "http://x"})";
  r.answer = "null";
  r.timeout_ms = 60'000;
  r.deadline_ms = r.start_ms + 60'000;
  r.generation = 3;
  return r;
}

class Store : public ::testing::TestWithParam<test::DatabaseKind> {
 protected:
  test::TestDatabase where_{GetParam()};
  Database db_{where_.uri()};
  SqlTaskStore store_{db_};
};

TEST_P(Store, KeepsTheActionAndTheAlarmOfATask) {
  Alert alarm;
  alarm.title = "Disk \"full\"; DROP TABLE tasks; --";
  alarm.labels = {{"env", "production"}, {"host", "db-1"}};
  auto r = sample("ts_svc_alarm", 1000);
  r.action_id = "ac_0193";
  r.alarm = compact_json(*alert_to_json(alarm));
  store_.write({r, sample("ts_svc_plain", 1001)});

  auto back = store_.find("ts_svc_alarm");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->action_id, "ac_0193");
  EXPECT_EQ(back->alarm, r.alarm);
  const auto read =
      alert_from_json(*Poco::JSON::Parser().parse(back->alarm).extract<Poco::JSON::Object::Ptr>());
  EXPECT_EQ(read.title, alarm.title);
  EXPECT_EQ(read.labels, alarm.labels);

  auto plain = store_.find("ts_svc_plain");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->action_id, "");
  EXPECT_EQ(plain->alarm, "");
}

TEST_P(Store, WritesAndReadsEveryFieldBack) {
  auto r = sample("ts_svc_1", 1000);
  store_.write({r});
  auto back = store_.find("ts_svc_1");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->condition, r.condition);
  EXPECT_EQ(back->status, TaskStatus::running);
  EXPECT_EQ(back->messages, r.messages);
  EXPECT_EQ(back->result, r.result);
  EXPECT_EQ(back->step, "step2");
  EXPECT_EQ(back->state, r.state);
  EXPECT_EQ(back->wait, TaskWait::poll);
  EXPECT_EQ(back->wake_ms, 1005);
  EXPECT_EQ(back->poll, r.poll);
  EXPECT_EQ(back->answer, "null");
  EXPECT_EQ(back->deadline_ms, r.deadline_ms);
  EXPECT_EQ(back->generation, 3);
  EXPECT_FALSE(store_.find("ts_svc_2"));
}

TEST_P(Store, AWriteReplacesTheRowAndABatchIsAllOrNothing) {
  auto r = sample("ts_svc_1", 1000);
  store_.write({r});
  r.status = TaskStatus::finished;
  r.messages["finished"] = "done";
  store_.write({r, sample("ts_svc_2", 2000)});
  EXPECT_EQ(store_.find("ts_svc_1")->status, TaskStatus::finished);
  EXPECT_EQ(store_.find("ts_svc_1")->message(), "done");
  EXPECT_EQ(store_.find_many({"ts_svc_1", "ts_svc_2", "ts_svc_3"}).size(), 2u);
}

TEST_P(Store, UnfinishedListsWaitingAndRunningOldestFirst) {
  auto a = sample("a", 3000);
  auto b = sample("b", 1000);
  b.status = TaskStatus::waiting;
  auto c = sample("c", 2000);
  c.status = TaskStatus::finished;
  auto d = sample("d", 500);
  d.status = TaskStatus::ready;
  store_.write({a, b, c, d});
  auto open = store_.unfinished();
  ASSERT_EQ(open.size(), 2u);
  EXPECT_EQ(open[0].task_id, "b");
  EXPECT_EQ(open[1].task_id, "a");
}

TEST(TaskId, IsTsServiceUuidV7AndTimeOrdered) {
  const std::regex shape(
      "ts_my_svc_[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> seen;
  std::string previous;
  for (std::int64_t ms = 1'700'000'000'000; ms < 1'700'000'000'100; ++ms) {
    auto id = make_task_id("my_svc", ms);
    EXPECT_TRUE(std::regex_match(id, shape)) << id;
    EXPECT_TRUE(seen.insert(id).second);
    EXPECT_LT(previous, id);
    previous = id;
  }
}

INSTANTIATE_TEST_SUITE_P(Databases, Store, testing::ValuesIn(test::database_kinds()),
                         test::database_kind_name);

}  // namespace
}  // namespace warden::host
