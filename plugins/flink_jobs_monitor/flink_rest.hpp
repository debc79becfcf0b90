#pragma once

#include "job_tracker.hpp"

#include <warden/http_client.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace warden::plugins::flink {

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
  /// GET /jobs/{id}/checkpoints: counts.failed and latest.failed.failure_message into `job`.
  bool read_checkpoints(JobObservation& job);
  /// GET /jobs/{id}/metrics?get=numRestarts into `job.restarts`.
  bool read_restarts(JobObservation& job);
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
