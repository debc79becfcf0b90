// The Flink monitor's transition logic: one event per transition, a baseline on the first answer,
// restarts and checkpoint windows, the cluster lost and recovered, and undo.
#include "plugins/flink_jobs_monitor/job_tracker.hpp"

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <gtest/gtest.h>

#include <sstream>

namespace warden::plugins::flink {
namespace {

JobObservation job(const std::string& id, const std::string& state, const std::string& name = "") {
  JobObservation j;
  j.id = id;
  j.name = name.empty() ? "job-" + id : name;
  j.state = state;
  j.start_ms = 1'000;
  return j;
}

std::vector<Event> answer(JobTracker& t, const std::vector<JobObservation>& jobs,
                          std::int64_t now) {
  return t.answered(jobs, std::vector<bool>(jobs.size(), true), now);
}

/// The state as stored between firings: written as JSON text and read back.
Poco::JSON::Object::Ptr round_trip(const Poco::JSON::Object& state) {
  std::ostringstream text;
  Poco::JSON::Stringifier::condense(state, text);
  return Poco::JSON::Parser().parse(text.str()).extract<Poco::JSON::Object::Ptr>();
}

TEST(FlinkJobTracker, TheFirstAnswerIsTheBaselineAndAlertsOnNothing) {
  Poco::JSON::Object state;
  JobTracker t(state, {});
  EXPECT_TRUE(
      answer(t, {job("a1", "FAILED"), job("b2", "CANCELED"), job("c3", "RUNNING")}, 10).empty());
  EXPECT_EQ(t.known_state("a1"), "FAILED");
  EXPECT_EQ(t.known_state("c3"), "RUNNING");
}

TEST(FlinkJobTracker, FailedAndCanceledAlertOncePerTransition) {
  Poco::JSON::Object state;
  JobTracker t(state, {});
  answer(t, {job("a1", "RUNNING"), job("b2", "RUNNING")}, 10);
  auto events = answer(t, {job("a1", "FAILED"), job("b2", "RUNNING")}, 20);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, EventKind::job_failed);
  EXPECT_EQ(events[0].job.id, "a1");
  EXPECT_EQ(events[0].previous_state, "RUNNING");
  EXPECT_TRUE(answer(t, {job("a1", "FAILED"), job("b2", "RUNNING")}, 30).empty());
  events = answer(t, {job("a1", "FAILED"), job("b2", "CANCELED")}, 40);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, EventKind::job_canceled);
  EXPECT_TRUE(answer(t, {job("a1", "FAILED"), job("b2", "CANCELED")}, 50).empty());
}

TEST(FlinkJobTracker, AJobThatStartedAndFailedBetweenTwoPollsIsReported) {
  Poco::JSON::Object state;
  JobTracker t(state, {});
  answer(t, {job("a1", "RUNNING")}, 10);
  auto events = answer(t, {job("a1", "RUNNING"), job("d4", "FAILED")}, 20);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, EventKind::job_failed);
  EXPECT_EQ(events[0].previous_state, "");
}

TEST(FlinkJobTracker, StateSurvivesARoundTripSoARestartNeitherRepeatsNorMisses) {
  Poco::JSON::Object first;
  {
    JobTracker t(first, {});
    answer(t, {job("a1", "RUNNING"), job("b2", "RUNNING")}, 10);
    answer(t, {job("a1", "FAILED"), job("b2", "RUNNING")}, 20);
  }
  auto stored = round_trip(first);  // the host restarts; b2 failed meanwhile
  JobTracker t(*stored, {});
  auto events = answer(t, {job("a1", "FAILED"), job("b2", "FAILED")}, 30);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].job.id, "b2");
}

TEST(FlinkJobTracker, ARunningJobThatVanishesIsLostAndAFinishedOneIsForgotten) {
  Poco::JSON::Object state;
  JobTracker t(state, {});
  answer(t, {job("a1", "RUNNING"), job("b2", "FINISHED")}, 10);
  auto events = answer(t, {}, 20);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, EventKind::job_vanished);
  EXPECT_EQ(events[0].job.name, "job-a1");
  EXPECT_EQ(events[0].previous_state, "RUNNING");
  EXPECT_EQ(t.known_state("b2"), "");
  EXPECT_TRUE(answer(t, {}, 30).empty());
}

TEST(FlinkJobTracker, JobsTheFilterLeavesOutAreNotTracked) {
  Poco::JSON::Object state;
  JobTracker t(state, {});
  t.answered({job("a1", "RUNNING"), job("b2", "RUNNING")}, {true, false}, 10);
  auto events = t.answered({job("a1", "RUNNING"), job("b2", "FAILED")}, {true, false}, 20);
  EXPECT_TRUE(events.empty());
  EXPECT_EQ(t.known_state("b2"), "");
}

TEST(FlinkJobTracker, EveryRestartBeyondTheBudgetAlertsOnce) {
  Poco::JSON::Object state;
  TrackerRules rules;
  rules.restart_budget = 2;
  JobTracker t(state, rules);
  auto with = [](std::int64_t restarts) {
    auto j = job("a1", "RUNNING");
    j.restarts = restarts;
    return j;
  };
  answer(t, {with(0)}, 10);
  EXPECT_TRUE(answer(t, {with(2)}, 20).empty());
  auto events = answer(t, {with(3)}, 30);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, EventKind::restarts_exceeded);
  EXPECT_EQ(events[0].count, 3);
  EXPECT_TRUE(answer(t, {with(3)}, 40).empty());
  events = answer(t, {with(5)}, 50);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].count, 5);
}

TEST(FlinkJobTracker, CheckpointFailuresBeyondTheMaximumWithinTheIntervalAlertThenRecover) {
  Poco::JSON::Object state;
  TrackerRules rules;
  rules.cp_max_failures = 2;
  rules.cp_failure_rate_interval_ms = 1'000;
  JobTracker t(state, rules);
  auto with = [](std::int64_t failed) {
    auto j = job("a1", "RUNNING");
    j.checkpoints_failed = failed;
    return j;
  };
  answer(t, {with(7)}, 0);                         // baseline: old failures do not count
  EXPECT_TRUE(answer(t, {with(9)}, 100).empty());  // 2 within the window: allowed
  auto events = answer(t, {with(10)}, 200);        // 3: beyond
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, EventKind::checkpoints_failing);
  EXPECT_EQ(events[0].count, 3);
  EXPECT_TRUE(answer(t, {with(11)}, 300).empty());  // still failing: no second alert
  events = answer(t, {with(11)}, 1'250);            // only 300's failure is within 1 s
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, EventKind::checkpoints_recovered);
  EXPECT_EQ(events[0].count, 1);
}

TEST(FlinkJobTracker, FailuresSpreadWiderThanTheIntervalNeverAlert) {
  Poco::JSON::Object state;
  TrackerRules rules;
  rules.cp_max_failures = 1;
  rules.cp_failure_rate_interval_ms = 1'000;
  JobTracker t(state, rules);
  auto with = [](std::int64_t failed) {
    auto j = job("a1", "RUNNING");
    j.checkpoints_failed = failed;
    return j;
  };
  answer(t, {with(0)}, 0);
  for (int i = 1; i <= 5; ++i) EXPECT_TRUE(answer(t, {with(i)}, i * 1'100).empty()) << i;
}

TEST(FlinkJobTracker, TheClusterIsLostAfterLostAfterWithoutAnswerOnceAndRecovers) {
  Poco::JSON::Object state;
  TrackerRules rules;
  rules.lost_after_ms = 30'000;
  JobTracker t(state, rules);
  answer(t, {job("a1", "RUNNING")}, 0);
  EXPECT_TRUE(t.unanswered("refused", 5'000).empty());
  EXPECT_TRUE(t.unanswered("refused", 30'000).empty());
  auto events = t.unanswered("timed out", 35'000);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, EventKind::cluster_lost);
  EXPECT_EQ(events[0].since_ms, 5'000);
  EXPECT_EQ(events[0].error, "timed out");
  EXPECT_TRUE(t.unanswered("timed out", 40'000).empty());
  events = answer(t, {job("a1", "RUNNING")}, 45'000);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, EventKind::cluster_recovered);
  EXPECT_EQ(events[0].since_ms, 5'000);
  EXPECT_TRUE(t.unanswered("refused", 50'000).empty());  // a new streak starts from zero
}

TEST(FlinkJobTracker, UndoneTransitionsAreSeenAgainAtTheNextPoll) {
  Poco::JSON::Object state;
  TrackerRules rules;
  rules.lost_after_ms = 1;
  JobTracker t(state, rules);
  answer(t, {job("a1", "RUNNING")}, 0);
  auto events = answer(t, {job("a1", "FAILED")}, 10);
  ASSERT_EQ(events.size(), 1u);
  t.undo(events[0]);
  events = answer(t, {job("a1", "FAILED")}, 20);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, EventKind::job_failed);

  events = t.unanswered("refused", 30);
  events = t.unanswered("refused", 40);
  ASSERT_EQ(events.size(), 1u);
  t.undo(events[0]);
  EXPECT_EQ(t.unanswered("refused", 50).size(), 1u);
}

}  // namespace
}  // namespace warden::plugins::flink
