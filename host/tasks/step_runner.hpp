#pragma once

#include "host/config/host_config.hpp"
#include "host/plugins/plugin_calls.hpp"
#include "host/plugins/plugin_host.hpp"
#include "host/services/host_services_impl.hpp"
#include "host/tasks/task_record.hpp"

namespace warden::host {

/// Runs the step a task is at (`run()` when `task.step` is empty, else that step with
/// `task.answer`) through `host`, in a new object of the solution restored from the task's
/// persisted state and output and bound to its condition, its alarm, its source_db entry and a
/// logger tagged with task and step. Never throws.
StepResult run_step(PluginHost& host, const PluginRecord& plugin, const TaskRecord& task,
                    const SourceDb& source, const SharedServices& services) noexcept;

}  // namespace warden::host
