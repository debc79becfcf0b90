// Reading GET /jobs/overview without a document: the documented fields of each job, nested
// objects passed over, and refusals for an answer that is not an overview.
#include "plugins/flink_jobs_monitor/overview_reader.hpp"

#include <Poco/Exception.h>

#include <gtest/gtest.h>

#include <stdexcept>

namespace warden::plugins::flink {
namespace {

TEST(FlinkOverviewReader, ReadsEachJobsDocumentedFields) {
  const auto jobs = read_overview(R"({"jobs": [
    {"jid": "a1", "name": "orders", "start-time": 1700000000000, "end-time": -1,
     "duration": 5000, "last-modification": 1700000000001, "state": "RUNNING",
     "tasks": {"running": 2, "state": "FAILED", "total": 2}},
    {"jid": "b2", "name": "clicks", "state": "FAILED", "start-time": 1700000000000,
     "end-time": 1700000009000, "duration": 9000.0, "tasks": {}, "extra": [1, {"jid": "zz"}]}
  ]})");
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0].id, "a1");
  EXPECT_EQ(jobs[0].name, "orders");
  EXPECT_EQ(jobs[0].state, "RUNNING");  // not the "state" inside "tasks"
  EXPECT_EQ(jobs[0].start_ms, 1'700'000'000'000);
  EXPECT_EQ(jobs[0].end_ms, -1);
  EXPECT_EQ(jobs[0].duration_ms, 5000);
  EXPECT_EQ(jobs[1].id, "b2");  // not the "jid" nested in "extra"
  EXPECT_EQ(jobs[1].state, "FAILED");
  EXPECT_EQ(jobs[1].end_ms, 1'700'000'009'000);
  EXPECT_EQ(jobs[1].duration_ms, 9000);
}

TEST(FlinkOverviewReader, AnEntryWithoutIdOrStateIsSkippedAndANamelessJobIsNamedByItsId) {
  const auto jobs = read_overview(
      R"({"jobs": [{"name": "no id", "state": "RUNNING"}, {"jid": "c3", "name": "no state"},
                   {"jid": "d4", "state": "CANCELED"}, 7, "x"]})");
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].id, "d4");
  EXPECT_EQ(jobs[0].name, "d4");
  EXPECT_EQ(jobs[0].start_ms, -1);
}

// Found by fuzz/flink_overview_fuzz.cpp: a number no int64 holds was converted anyway (undefined
// behaviour, which the sanitizer build stops at).
TEST(FlinkOverviewReader, ANumberTooLargeForMillisecondsIsPassedOver) {
  const auto jobs = read_overview(
      R"({"1e308": 1e308, "jobs": [{"jid": "e5", "state": "RUNNING", "start-time": 1e308,
                                    "end-time": -1e300, "duration": 9.3e18}]})");
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].start_ms, -1);
  EXPECT_EQ(jobs[0].end_ms, -1);
  EXPECT_EQ(jobs[0].duration_ms, 0);
}

TEST(FlinkOverviewReader, AnEmptyClusterHasNoJobs) {
  EXPECT_TRUE(read_overview(R"({"jobs": []})").empty());
}

TEST(FlinkOverviewReader, RefusesWhatIsNotAnOverview) {
  EXPECT_THROW(read_overview(R"({"errors": ["Not found."]})"), std::invalid_argument);
  EXPECT_THROW(read_overview(R"({"x": {"jobs": [{"jid": "a", "state": "RUNNING"}]}})"),
               std::invalid_argument);
  EXPECT_THROW(read_overview(R"({"jobs": {"jid": "a"}})"), std::invalid_argument);
  EXPECT_THROW(read_overview("<html>502 Bad Gateway</html>"), Poco::Exception);
  EXPECT_THROW(read_overview(R"({"jobs": [{"jid": "a", )"), Poco::Exception);
}

}  // namespace
}  // namespace warden::plugins::flink
