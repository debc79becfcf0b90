#pragma once

#include "host/isolation/crash_tracker.hpp"
#include "host/isolation/runner_process.hpp"
#include "host/plugins/problem.hpp"

#include <condition_variable>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace warden::host {

/// How long starting a runner (spawn, handshake, loading the library) may take.
inline constexpr std::chrono::seconds kRunnerStartTimeout{60};

/// The runner processes of one load of one plugin: at most `size` of them, each making one call at
/// a time; a call waits for a free one. A runner that crashes is replaced after a backoff; too
/// many crashes within the window make the pool failed, and every call after fails at once.
class RunnerPool {
 public:
  /// `on_failed` is called (once, without the pool's lock) when the pool becomes failed.
  RunnerPool(std::string key, std::filesystem::path folder, RunnerOptions options, int size,
             int crash_limit, std::chrono::seconds crash_window,
             std::function<void(const std::string& reason)> on_failed);
  ~RunnerPool();

  /// Keeps an idle runner that has loaded this plugin (the one that checked it).
  void keep(std::unique_ptr<RunnerProcess> runner);

  /// How a call that did not reach a runner ended: the runner could not start or load, or the
  /// plugin is failed.
  struct Refused {
    std::string reason;
  };

  /// Runs one exchange on a runner; `pid` is the runner's. Returns the answer, or Refused.
  std::variant<RunnerAnswer, Refused> call(const Poco::JSON::Object& request, Deadline deadline,
                                           const RunnerEvents& events, pid_t& pid);

  /// Kills the idle runners; a busy one is killed when its call ends.
  void stop();

 private:
  std::unique_ptr<RunnerProcess> acquire(Deadline deadline, std::string& refused);
  std::unique_ptr<RunnerProcess> start_one(Deadline deadline, std::string& refused);
  void crashed(const std::string& reason);

  std::string key_;
  std::filesystem::path folder_;
  RunnerOptions options_;
  int size_;
  std::function<void(const std::string&)> on_failed_;

  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<RunnerProcess>> idle_;
  int live_ = 0;
  bool stopped_ = false;
  std::optional<std::string> failed_;
  CrashTracker crashes_;
  std::chrono::seconds window_;
  int limit_;
};

/// A runner that was asked to load a plugin folder.
struct LoadedRunner {
  std::unique_ptr<RunnerProcess> runner;  ///< set when it loaded the plugin
  Problems problems;                      ///< what the runner found wrong with the folder
  std::string failure;                    ///< the runner crashed, hung or could not start: how
};

/// Starts a runner and has it check and load the plugin in `folder` (`label` names it in
/// problems).
LoadedRunner start_loaded_runner(const RunnerOptions& options, const std::filesystem::path& folder,
                                 const std::string& label, Deadline deadline);

}  // namespace warden::host
