#pragma once

#include "host/config/host_config.hpp"
#include "host/plugins/plugin_registry.hpp"
#include "host/services/host_services_impl.hpp"
#include "host/tasks/task_record.hpp"

#include <warden/solution.hpp>

#include <string>

namespace warden::host {

/// What one step of a solution did.
struct StepResult {
  bool ok = true;       ///< false: the step threw, or the solution could not be made
  std::string error;    ///< why, when !ok
  SolutionOutcome outcome;
  std::string state;   ///< the solution's state() after the step (JSON)
  std::string output;  ///< its output() after the step (JSON)
};

/// Runs the step a task is at (`run()` when `task.step` is empty, else that step with
/// `task.answer`) in a new object of the solution, restored from the task's persisted state and
/// output and bound to its condition, its source_db entry and a logger tagged with task and step.
/// Never throws.
StepResult run_step(const PluginRecord& plugin, const TaskRecord& task, const SourceDb& source,
                    const SharedServices& services) noexcept;

}  // namespace warden::host
