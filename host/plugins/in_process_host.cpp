#include "host/plugins/plugin_call.hpp"
#include "host/plugins/plugin_host.hpp"
#include "host/runtime/alert_json.hpp"
#include "host/services/fallback_renderer.hpp"
#include "host/services/spdlog_logger.hpp"
#include "host/services/timeout_http_client.hpp"

#include <warden/json_value.hpp>
#include <warden/timer_action.hpp>

#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>

namespace warden::host {
namespace {

Poco::JSON::Object::Ptr parse_object(const std::string& text) {
  if (text.empty()) return new Poco::JSON::Object;
  return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::string string_field(const Poco::JSON::Object& config, const std::string& name) {
  return config.has(name) && config.get(name).isString() ? config.getValue<std::string>(name)
                                                         : std::string();
}

}  // namespace

void InProcessHost::load(PluginRecord& record) {
  record.library =
      PluginLibrary::open(record.folder, record.key, *record.manifest, record.problems);
  record.ready = record.library != nullptr;
  if (record.ready) record.isolation = "in_process";
}

StepResult InProcessHost::run_step(const PluginRecord& plugin, const StepCall& call,
                                   const SharedServices& services) noexcept {
  StepResult result;
  const std::string step_name = call.step.empty() ? "run" : call.step;
  Alert alarm;
  PluginUse use{plugin, Kind::solution, "solution \"" + call.service + "\"", services, {}, nullptr};
  try {
    use.log_tag = plugin_log_tag(call.service, call.task_id, step_name);
    use.config = parse_object(call.condition);
    if (!call.alarm.empty()) alarm = alert_from_json(*parse_object(call.alarm), "alarm");
  } catch (const Poco::Exception& e) {
    return {false, "the task's condition or alarm cannot be read: " + e.displayText(), {}, {}, {},
            {}};
  } catch (const std::exception& e) {
    return {false, std::string("the task's condition or alarm cannot be read: ") + e.what(),
            {},    {},
            {},    {}};
  }
  const auto failed = call_plugin_as<Solution>(use, [&](Solution& solution) {
    const auto& source = call.source;
    solution.bind_task(
        {call.task_id, call.service, source.source_name, source.topic_name, source.consumer_id});
    solution.bind_alarm(std::move(alarm));
    solution.restore_state(parse_object(call.state));
    solution.restore_output(parse_object(call.output));
    Poco::Dynamic::Var answer;
    if (!call.answer.empty() && call.answer != "null")
      answer = Poco::JSON::Parser().parse(call.answer);
    const Status status = call.step.empty() ? solution.start() : solution.resume(call.step, answer);
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

ActionResult InProcessHost::fire(const PluginRecord& plugin, const FiringCall& call,
                                 const SharedServices& services) noexcept {
  ActionResult result;
  PluginUse use{plugin, Kind::timer_action, "timer action \"" + plugin.key + "\"", services, {},
                nullptr};
  try {
    use.log_tag = "plugin=" + plugin.key + " timer=" + call.timer_id;
    use.config = parse_object(call.params);
  } catch (const Poco::Exception& e) {
    result.error = "the timer's params cannot be read: " + e.displayText();
    return result;
  } catch (const std::exception& e) {
    result.error = std::string("the timer's params cannot be read: ") + e.what();
    return result;
  }
  const auto failed = call_plugin_as<TimerAction>(use, [&](TimerAction& action) {
    action.restore_state(parse_object(call.state));
    const Status status = action.fire(*call.data, *call.parent);
    result.ok = status.ok;
    result.error = status.message;
    result.state = compact_json(*action.state_json());
  });
  if (!failed.empty()) {
    result.ok = false;
    result.error = failed;
  }
  return result;
}

DeliveryResult InProcessHost::deliver(const PluginRecord& plugin, const DeliveryCall& call,
                                      const SharedServices& services) noexcept {
  DeliveryResult out;
  try {
    // The plugin's own copy: objects on other threads read the instance's at the same time.
    Poco::JSON::Object::Ptr config = new Poco::JSON::Object(*call.config);
    TimeoutHttpClient http(*services.http, call.timeout, call.notice_id);
    FallbackRenderer renderer(*services.templates, string_field(*config, "alertTpl"),
                              call.default_template);
    // Neither is owned here: both outlive the object call_plugin makes.
    SharedServices scoped{
        std::shared_ptr<HttpClient>(std::shared_ptr<HttpClient>{}, &http),
        std::shared_ptr<TemplateRenderer>(std::shared_ptr<TemplateRenderer>{}, &renderer),
        services.alerts};
    const PluginUse use{plugin,
                        Kind::alert_channel,
                        "channel plugin \"" + call.channel + "\"",
                        scoped,
                        "plugin=" + call.channel + " channel=" + call.instance,
                        config};
    const auto failed = call_plugin_as<AlertChannel>(
        use, [&](AlertChannel& channel) { out.delivery = channel.deliver(call.alert); });
    if (!failed.empty()) out.delivery = {false, failed};
    out.template_error = renderer.error();
  } catch (const Poco::Exception& e) {
    out.delivery = {false, e.displayText()};
  } catch (const std::exception& e) {
    out.delivery = {false, e.what()};
  }
  return out;
}

SelectOptionsResult InProcessHost::select_options(const PluginRecord& plugin,
                                                  const SelectOptionsCall& call,
                                                  const SharedServices& services) noexcept {
  SelectOptionsResult result;
  if (!plugin.manifest) {
    result.error = "plugin \"" + plugin.key + "\" has no valid manifest";
    return result;
  }
  // No configuration exists while a form is read: the object is bound to an empty one.
  const PluginUse use{plugin,
                      plugin.manifest->kind,
                      "plugin \"" + plugin.key + "\"",
                      services,
                      "plugin=" + plugin.key + " form_field=" + call.field,
                      nullptr};
  const auto failed = call_plugin(use, [&](Plugin& object) {
    result.options = object.select_options(call.field);
    result.ok = true;
  });
  if (!failed.empty()) {
    result.ok = false;
    result.error = failed;
    result.options.clear();
  }
  enforce_select_option_bounds(result);
  return result;
}

}  // namespace warden::host
