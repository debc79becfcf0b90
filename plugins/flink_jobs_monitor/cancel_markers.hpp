#pragma once

// How the `flink_cancel_job` solution tells the `flink_jobs_monitor` that a job's cancel came
// through Warden: one empty file per job id in a directory both plugins know. Flink job ids are
// unique (a resubmitted job gets a new one), so a marker is never mistaken for another job's, and
// files survive a restart of the host between the cancel and the monitor's next poll.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

namespace warden::plugins::flink {

/// `$WARDEN_FLINK_CANCELS_DIR`, else `<temp dir>/warden-flink-cancels`.
inline std::filesystem::path cancel_markers_dir() {
  if (const char* dir = std::getenv("WARDEN_FLINK_CANCELS_DIR"); dir && *dir) return dir;
  std::error_code ec;
  auto tmp = std::filesystem::temp_directory_path(ec);
  if (ec) tmp = "/tmp";
  return tmp / "warden-flink-cancels";
}

/// Records that Warden cancels `job_id` (a checked Flink job id). False with `error` naming the
/// file when it cannot be written.
inline bool record_cancel(const std::string& job_id, std::string& error) {
  const auto dir = cancel_markers_dir();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::ofstream file(dir / job_id, std::ios::trunc);
  if (!file) {
    error = "cannot write the cancel marker " + (dir / job_id).string();
    return false;
  }
  return true;
}

/// True (and the marker removed) when Warden cancelled `job_id`.
inline bool take_cancel(const std::string& job_id) {
  std::error_code ec;
  return !job_id.empty() && job_id.find('/') == std::string::npos &&
         std::filesystem::remove(cancel_markers_dir() / job_id, ec);
}

}  // namespace warden::plugins::flink
