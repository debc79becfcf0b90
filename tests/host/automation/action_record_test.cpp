#include "host/automation/action_record.hpp"

#include <gtest/gtest.h>

namespace warden::host {
namespace {

TEST(AutomationActionRecord, RoundTripsThroughItsStoredForm) {
  ActionRecord a;
  a.id = "ac_1";
  a.policy = "p";
  a.action_index = 2;
  a.alert_id = "al_1";
  a.alert_ids = {"al_1", "al_2"};
  a.kind = "notice";
  a.signal = "abnormal";
  a.status = "running";
  a.spec = new Poco::JSON::Object;
  a.spec->set("kind", "notice");
  a.attempts = 3;
  a.repeats = 2;
  a.created_ms = 10;
  a.due_ms = 20;
  a.deadline_ms = 30;
  a.task_id = "ts_x";
  a.notice_ids = {"n1", "n2"};
  a.approval = "approved";
  a.decided_by = "alice";
  a.note(40, "running", "attempt 3");
  const auto back = action_record_from_json(*action_record_to_json(a));
  EXPECT_EQ(back.id, "ac_1");
  EXPECT_EQ(back.action_index, 2u);
  EXPECT_EQ(back.alert_ids, a.alert_ids);
  EXPECT_EQ(back.status, "running");
  EXPECT_EQ(back.spec->getValue<std::string>("kind"), "notice");
  EXPECT_EQ(back.attempts, 3);
  EXPECT_EQ(back.repeats, 2);
  EXPECT_EQ(back.due_ms, 20);
  EXPECT_EQ(back.deadline_ms, 30);
  EXPECT_EQ(back.notice_ids, a.notice_ids);
  EXPECT_EQ(back.decided_by, "alice");
  ASSERT_EQ(back.log.size(), 1u);
  EXPECT_EQ(back.log[0].at_ms, 40);
  EXPECT_EQ(back.log[0].message, "attempt 3");
  EXPECT_EQ(back.updated_ms, 40);
}

TEST(AutomationActionRecord, TheLogOfARepeatingActionStaysBounded) {
  ActionRecord a;
  for (int i = 0; i < 100'000; ++i) a.note(i, "repeat", "notice " + std::to_string(i));
  EXPECT_LE(a.log.size(), 200u);
  EXPECT_EQ(a.log.front().message, "notice 0") << "the beginning of the story stays";
  EXPECT_EQ(a.log.back().message, "notice 99999");
}

TEST(AutomationActionRecord, EndedStatuses) {
  ActionRecord a;
  for (const char* s : {"success", "failure", "timeout", "skipped"}) {
    a.status = s;
    EXPECT_TRUE(a.ended()) << s;
  }
  for (const char* s : {"created", "waiting_approval", "running", "blocked"}) {
    a.status = s;
    EXPECT_FALSE(a.ended()) << s;
  }
}

}  // namespace
}  // namespace warden::host
