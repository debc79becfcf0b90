#pragma once

#include "flink_rest.hpp"
#include "job_tracker.hpp"

#include <functional>
#include <string>
#include <vector>

namespace warden::plugins::flink {

/// Reads the watched figures of many running jobs in few requests. The figures are counters that
/// only grow during a job's life, so when the sum over a group of jobs (one aggregated request
/// per FlinkRest::kMaxJobsPerSum jobs) equals the sum of what the last poll recorded for them,
/// none of them changed and the recorded figures stand. Only a group whose sum moved, and a job
/// with nothing recorded yet, is read job by job. A job whose failed checkpoints grew also gets
/// its latest failure message.
class FigureReader {
 public:
  using Known = std::function<KnownFigures(const std::string& job_id)>;

  struct Result {
    std::size_t unread = 0;   ///< jobs left without figures this poll
    std::string first_error;  ///< why the first of them was
  };

  FigureReader(FlinkRest& rest, Figures which, Known known);

  /// Fills the figures of `jobs`; a job that could not be read keeps none (the tracker then
  /// leaves its record as it was).
  Result read(const std::vector<JobObservation*>& jobs);

 private:
  void read_group(const std::vector<JobObservation*>& group, Result& result);
  bool read_one(JobObservation& job, Result& result);
  FigureSums sum_of(const std::vector<JobObservation*>& group) const;
  bool takes_known(JobObservation& job) const;

  FlinkRest& rest_;
  Figures which_;
  Known known_;
};

}  // namespace warden::plugins::flink
