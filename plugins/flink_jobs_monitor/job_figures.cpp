#include "job_figures.hpp"

#include <algorithm>
#include <utility>

namespace warden::plugins::flink {

FigureReader::FigureReader(FlinkRest& rest, Figures which, Known known)
    : rest_(rest), which_(which), known_(std::move(known)) {}

FigureReader::Result FigureReader::read(const std::vector<JobObservation*>& jobs) {
  Result result;
  if (!which_.any()) return result;
  for (std::size_t at = 0; at < jobs.size(); at += FlinkRest::kMaxJobsPerSum) {
    const auto end = std::min(jobs.size(), at + FlinkRest::kMaxJobsPerSum);
    read_group({jobs.begin() + static_cast<std::ptrdiff_t>(at),
                jobs.begin() + static_cast<std::ptrdiff_t>(end)},
               result);
  }
  if (which_.checkpoints) {
    for (JobObservation* job : jobs) {
      const auto before = known_(job->id).checkpoints_failed;
      if (!job->checkpoints_failed || !before || *job->checkpoints_failed <= *before) continue;
      // Only for the alert's text: without it the failures are still counted.
      if (auto message = rest_.checkpoint_failure(job->id)) job->last_checkpoint_failure = *message;
    }
  }
  return result;
}

void FigureReader::read_group(const std::vector<JobObservation*>& group, Result& result) {
  std::vector<std::string> ids;
  std::vector<JobObservation*> recorded;  // figures taken from the last poll, to be confirmed
  for (JobObservation* job : group) {
    ids.push_back(job->id);
    if (takes_known(*job))
      recorded.push_back(job);
    else
      read_one(*job, result);
  }
  if (recorded.empty()) return;
  const auto sums = rest_.sum_figures(ids, which_);
  const auto now = sum_of(group);
  const bool unchanged =
      sums && (!which_.restarts || sums->restarts == now.restarts) &&
      (!which_.checkpoints || sums->checkpoints_failed == now.checkpoints_failed);
  if (unchanged) return;
  // Something in the group moved (or the sum could not be read): each job is read on its own.
  for (JobObservation* job : recorded) read_one(*job, result);
}

bool FigureReader::takes_known(JobObservation& job) const {
  const KnownFigures known = known_(job.id);
  if ((which_.restarts && !known.restarts) || (which_.checkpoints && !known.checkpoints_failed))
    return false;
  job.restarts = which_.restarts ? known.restarts : std::nullopt;
  job.checkpoints_failed = which_.checkpoints ? known.checkpoints_failed : std::nullopt;
  return true;
}

bool FigureReader::read_one(JobObservation& job, Result& result) {
  job.restarts.reset();
  job.checkpoints_failed.reset();
  if (rest_.read_figures(job, which_)) return true;
  job.restarts.reset();
  job.checkpoints_failed.reset();
  if (result.unread++ == 0) result.first_error = rest_.error();
  return false;
}

FigureSums FigureReader::sum_of(const std::vector<JobObservation*>& group) const {
  FigureSums sums;
  for (const JobObservation* job : group) {
    sums.restarts += job->restarts.value_or(0);
    sums.checkpoints_failed += job->checkpoints_failed.value_or(0);
  }
  return sums;
}

}  // namespace warden::plugins::flink
