// The Flink monitor's figure reading against a fake JobManager: a job never read is read on its
// own; groups whose summed figures did not move cost one aggregated request and keep what was
// recorded; a group that moved is read job by job; grown checkpoint failures bring their message.
#include "plugins/flink_jobs_monitor/job_figures.hpp"

#include "host/services/poco_http_client.hpp"
#include "tests/support/fake_flink.hpp"

#include <gtest/gtest.h>

#include <map>

namespace warden::plugins::flink {
namespace {

using test::FakeFlinkCluster;
using test::FakeFlinkJob;
using test::flink_job_id;

constexpr Figures kBoth{true, true};

class FlinkFigures : public ::testing::Test {
 protected:
  void add_jobs(int n) {
    for (int i = 0; i < n; ++i) {
      FakeFlinkJob job;
      job.id = flink_job_id(i);
      job.name = "job-" + std::to_string(i);
      job.restarts = i % 3;
      job.checkpoints_failed = i % 2;
      cluster_.put(job);
      JobObservation seen;
      seen.id = job.id;
      seen.name = job.name;
      seen.state = "RUNNING";
      observed_.push_back(seen);
    }
  }
  /// What the last poll recorded: the cluster's figures as they are now.
  void record_all() {
    for (std::size_t i = 0; i < observed_.size(); ++i)
      known_[observed_[i].id] = {static_cast<std::int64_t>(i % 3),
                                 static_cast<std::int64_t>(i % 2)};
  }
  FigureReader::Result read(Figures which = kBoth) {
    FigureReader reader(rest_, which, [this](const std::string& id) {
      const auto found = known_.find(id);
      return found == known_.end() ? KnownFigures{} : found->second;
    });
    std::vector<JobObservation*> jobs;
    for (auto& job : observed_) jobs.push_back(&job);
    return reader.read(jobs);
  }

  FakeFlinkCluster cluster_;
  host::PocoHttpClient http_;
  FlinkRest rest_{http_, cluster_.url(), std::chrono::seconds(5)};
  std::vector<JobObservation> observed_;
  std::map<std::string, KnownFigures> known_;
};

TEST_F(FlinkFigures, AJobWithNothingRecordedIsReadOnItsOwn) {
  add_jobs(3);
  const auto result = read();
  EXPECT_EQ(result.unread, 0u);
  EXPECT_EQ(cluster_.requests("job-metrics"), 3u);
  EXPECT_EQ(cluster_.requests("jobs-metrics"), 0u);
  EXPECT_EQ(observed_[2].restarts, 2);
  EXPECT_EQ(observed_[1].checkpoints_failed, 1);
  EXPECT_EQ(observed_[0].checkpoints_failed, 0);
}

TEST_F(FlinkFigures, UnchangedGroupsCostOneRequestEachAndKeepTheRecordedFigures) {
  add_jobs(130);  // three groups: 64, 64 and 2 jobs
  record_all();
  const auto result = read();
  EXPECT_EQ(result.unread, 0u);
  EXPECT_EQ(cluster_.requests("jobs-metrics"), 3u);
  EXPECT_EQ(cluster_.requests("job-metrics"), 0u);
  EXPECT_EQ(cluster_.requests("checkpoints"), 0u);
  EXPECT_EQ(observed_[128].restarts, 2);
  EXPECT_EQ(observed_[129].checkpoints_failed, 1);
}

TEST_F(FlinkFigures, AGroupThatMovedIsReadJobByJobAndTheChangeIsSeen) {
  add_jobs(130);
  record_all();
  cluster_.change(flink_job_id(100), [](FakeFlinkJob& j) { j.restarts = 7; });
  const auto result = read(Figures{true, false});
  EXPECT_EQ(result.unread, 0u);
  EXPECT_EQ(cluster_.requests("jobs-metrics"), 3u);
  EXPECT_EQ(cluster_.requests("job-metrics"), 64u);  // the second group only
  EXPECT_EQ(observed_[100].restarts, 7);
  EXPECT_EQ(observed_[101].restarts, 101 % 3);
  EXPECT_FALSE(observed_[100].checkpoints_failed);  // not watched
}

TEST_F(FlinkFigures, GrownCheckpointFailuresBringTheLatestFailureMessage) {
  add_jobs(4);
  record_all();
  cluster_.change(flink_job_id(2), [](FakeFlinkJob& j) {
    j.checkpoints_failed = 3;
    j.checkpoint_failure = "Checkpoint expired before completing.\n\tat somewhere";
  });
  read();
  EXPECT_EQ(observed_[2].checkpoints_failed, 3);
  EXPECT_EQ(observed_[2].last_checkpoint_failure,
            "Checkpoint expired before completing.\n\tat somewhere");
  EXPECT_EQ(cluster_.requests("checkpoints"), 1u);
  EXPECT_TRUE(observed_[3].last_checkpoint_failure.empty());
}

TEST_F(FlinkFigures, JobsThatCannotBeReadAreLeftWithoutFiguresAndSaidWhy) {
  add_jobs(5);
  record_all();
  cluster_.set_down(true);
  const auto result = read();
  EXPECT_EQ(result.unread, 5u);
  EXPECT_NE(result.first_error.find("answered 503"), std::string::npos) << result.first_error;
  for (const auto& job : observed_) {
    EXPECT_FALSE(job.restarts) << job.id;
    EXPECT_FALSE(job.checkpoints_failed) << job.id;
  }
}

TEST_F(FlinkFigures, NothingIsAskedWhenNoFigureIsWatched) {
  add_jobs(5);
  EXPECT_EQ(read(Figures{}).unread, 0u);
  EXPECT_EQ(cluster_.requests("jobs-metrics") + cluster_.requests("job-metrics"), 0u);
}

}  // namespace
}  // namespace warden::plugins::flink
