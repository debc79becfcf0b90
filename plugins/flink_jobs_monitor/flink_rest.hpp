#pragma once

#include "job_tracker.hpp"

#include <warden/http_client.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace warden::plugins::flink {

/// The job-scope metrics a poll watches: numRestarts and numberOfFailedCheckpoints (the same count
/// as the checkpoint statistics' counts.failed).
struct Figures {
  bool restarts = false;
  bool checkpoints = false;

  bool any() const { return restarts || checkpoints; }
  /// The `get` query value: the metric names, comma-separated.
  std::string metric_names() const;
};

/// Figures summed over several jobs.
struct FigureSums {
  std::int64_t restarts = 0;
  std::int64_t checkpoints_failed = 0;
};

/// Reads a Flink JobManager's REST API (the shapes of Flink's REST documentation). Never throws:
/// a failed call returns nullopt and says why in `error()`, naming the host and the path.
class FlinkRest {
 public:
  FlinkRest(HttpClient& http, std::string base_url, std::chrono::milliseconds timeout);

  /// GET /jobs/overview: every job the JobManager knows.
  std::optional<std::vector<JobObservation>> overview();
  /// GET /jobs/{id}/exceptions: the root exception's first `lines` lines (the newest entry of
  /// `exceptionHistory`, else the older `root-exception`), or "" when there is none.
  std::optional<std::string> root_exception(const std::string& job_id, std::size_t lines);
  /// GET /jobs/{id}/checkpoints: latest.failed.failure_message's first lines ("" when none).
  std::optional<std::string> checkpoint_failure(const std::string& job_id);
  /// GET /jobs/{id}/metrics?get=…: the job's figures into `job` (0 for a metric not reported yet).
  bool read_figures(JobObservation& job, Figures which);
  /// GET /jobs/metrics?get=…&agg=sum&jobs=…: the figures summed over at most kMaxJobsPerSum jobs
  /// (the ids go in the request line, which Flink caps at 4096 bytes).
  std::optional<FigureSums> sum_figures(const std::vector<std::string>& job_ids, Figures which);
  static constexpr std::size_t kMaxJobsPerSum = 64;
  /// PATCH /jobs/{id}?mode=cancel.
  bool cancel(const std::string& job_id);

  const std::string& error() const { return error_; }
  /// `host:port` of the JobManager (never its path, which may carry a token).
  std::string where() const { return host_and_port(base_); }

 private:
  std::optional<std::string> get(const std::string& path);

  HttpClient& http_;
  std::string base_;
  std::chrono::milliseconds timeout_;
  std::string error_;
};

/// `url` without trailing slashes.
std::string without_trailing_slash(std::string url);

/// The first `lines` lines of `text`, at most `max_bytes` in all.
std::string first_lines(const std::string& text, std::size_t lines, std::size_t max_bytes);

}  // namespace warden::plugins::flink
