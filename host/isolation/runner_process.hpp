#pragma once

#include "host/isolation/frame_io.hpp"

#include <Poco/JSON/Object.h>

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

namespace warden::host {

/// The version of the frames' protocol; the handshake refuses any other.
inline constexpr int kRunnerProtocol = 2;

/// How runner processes are started.
struct RunnerOptions {
  std::filesystem::path executable;  ///< warden-plugin-runner
  std::int64_t memory_limit_mb = 1024;
  int open_files = 256;
  std::string extra_ca_file;  ///< for the runner's HTTP client
  std::string log_level = "info";
};

/// The runner next to this executable, or `WARDEN_PLUGIN_RUNNER` when set.
std::filesystem::path default_runner_executable();

/// What the host does with what a runner sends during a call besides its answer.
struct RunnerEvents {
  /// A log line of the plugin (level: spdlog's level name).
  std::function<void(const std::string& level, const std::string& message)> log;
  /// An alert the plugin raised: the answer frame's `ok` and `error`.
  std::function<bool(const Poco::JSON::Object& request, std::string& error)> alert;
};

/// How one exchange with a runner ended.
struct RunnerAnswer {
  enum class Kind { answered, crashed, timed_out };
  Kind kind = Kind::answered;
  Poco::JSON::Object::Ptr message;  ///< answered: the runner's answer
  std::string reason;  ///< otherwise: what happened, e.g. "was killed by signal 11 (SIGSEGV)"
};

class RunnerStartError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// One warden-plugin-runner process, started with posix_spawn (never fork: the host is threaded),
/// connected by a socketpair, its limits set before it loads anything. It dies with the host: it
/// watches the socket. Destroying the object kills the process and reaps it. Not thread-safe: one
/// exchange at a time.
class RunnerProcess {
 public:
  /// Starts a runner and shakes hands. Throws RunnerStartError.
  static std::unique_ptr<RunnerProcess> start(const RunnerOptions& options, Deadline deadline);
  ~RunnerProcess();
  RunnerProcess(const RunnerProcess&) = delete;
  RunnerProcess& operator=(const RunnerProcess&) = delete;

  /// Sends `request` and reads until the runner's answer (an object whose `op` is not `log` or
  /// `alert`), handling logs and alerts on the way. A runner that dies, breaks the protocol or
  /// passes `deadline` is killed and reaped, and the answer says so; it cannot be used again.
  RunnerAnswer exchange(const Poco::JSON::Object& request, Deadline deadline,
                        const RunnerEvents& events);

  /// False once the process is known to be gone (or was killed).
  bool alive();
  pid_t pid() const { return pid_; }

 private:
  RunnerProcess(pid_t pid, int fd) : pid_(pid), fd_(fd) {}
  /// Kills the process (when `kill_first`) and reaps it; returns how it ended.
  std::string finish(bool kill_first);

  pid_t pid_;
  int fd_;
  bool reaped_ = false;
};

}  // namespace warden::host
