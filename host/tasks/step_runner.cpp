#include "host/tasks/step_runner.hpp"

namespace warden::host {

StepResult run_step(PluginHost& host, const PluginRecord& plugin, const TaskRecord& task,
                    const SourceDb& source, const SharedServices& services) noexcept {
  try {
    const StepCall call{task.service, task.task_id, task.step,   task.answer, task.condition,
                        task.alarm,   task.state,   task.result, source};
    return host.run_step(plugin, call, services);
  } catch (const std::exception& e) {  // out of memory copying the task
    StepResult failed;
    failed.ok = false;
    failed.error = e.what();
    return failed;
  }
}

}  // namespace warden::host
