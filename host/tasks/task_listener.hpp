#pragma once

#include <cstdint>
#include <string>

namespace warden::host {

/// Told when a task's run begins and ends (the timer boundary events hang on these). Called with
/// the task manager's lock held: record what happened and return; never call the task manager back.
class TaskListener {
 public:
  virtual ~TaskListener() = default;
  /// A run of the task began at `start_ms` (its first step started, or an external worker took
  /// it); `generation` identifies the run.
  virtual void task_started(const std::string& task_id, std::int64_t generation,
                            std::int64_t start_ms) = 0;
  /// The run `generation` ended (finished, failed, timed out or forced to fail).
  virtual void task_ended(const std::string& task_id, std::int64_t generation) = 0;
};

}  // namespace warden::host
