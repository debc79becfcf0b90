#include "host/tasks/step_runner.hpp"

#include "host/plugins/plugin_call.hpp"
#include "host/runtime/alert_json.hpp"
#include "host/services/spdlog_logger.hpp"

#include <warden/json_value.hpp>

#include <Poco/JSON/Parser.h>

namespace warden::host {
namespace {

Poco::JSON::Object::Ptr parse_object(const std::string& text) {
  if (text.empty()) return new Poco::JSON::Object;
  return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

}  // namespace

StepResult run_step(const PluginRecord& plugin, const TaskRecord& task, const SourceDb& source,
                    const SharedServices& services) noexcept {
  StepResult result;
  const std::string step_name = task.step.empty() ? "run" : task.step;
  PluginUse use{plugin,
                Kind::solution,
                "solution \"" + task.service + "\"",
                services,
                plugin_log_tag(task.service, task.task_id, step_name),
                nullptr};
  Alert alarm;
  try {
    use.config = parse_object(task.condition);
    if (!task.alarm.empty()) alarm = alert_from_json(*parse_object(task.alarm), "alarm");
  } catch (const Poco::Exception& e) {
    return {false, "the task's condition or alarm cannot be read: " + e.displayText(), {}, {}, {}};
  } catch (const std::exception& e) {
    return {false,
            std::string("the task's condition or alarm cannot be read: ") + e.what(),
            {},
            {},
            {}};
  }
  const auto failed = call_plugin_as<Solution>(use, [&](Solution& solution) {
    solution.bind_task(
        {task.task_id, task.service, source.source_name, source.topic_name, source.consumer_id});
    solution.bind_alarm(std::move(alarm));
    solution.restore_state(parse_object(task.state));
    solution.restore_output(parse_object(task.result));
    Poco::Dynamic::Var answer;
    if (!task.answer.empty() && task.answer != "null")
      answer = Poco::JSON::Parser().parse(task.answer);
    const Status status = task.step.empty() ? solution.start() : solution.resume(task.step, answer);
    result.ok = status.ok;
    result.error = status.message;
    result.outcome = solution.outcome();
    result.state = compact_json(*solution.state_json());
    result.output = compact_json(*solution.output_json());
  });
  if (!failed.empty()) {
    result.ok = false;
    result.error = failed;
  }
  return result;
}

}  // namespace warden::host
