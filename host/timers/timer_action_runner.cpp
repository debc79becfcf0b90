#include "host/timers/timer_action_runner.hpp"

#include "host/plugins/plugin_call.hpp"

#include <warden/json_value.hpp>
#include <warden/timer_action.hpp>

#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>

namespace warden::host {
namespace {

Poco::JSON::Object::Ptr object(const std::string& text) {
  return Poco::JSON::Parser().parse(text.empty() ? "{}" : text).extract<Poco::JSON::Object::Ptr>();
}

}  // namespace

ActionResult run_timer_action(const PluginRecord& plugin, const std::string& params,
                              const std::string& state, const Poco::JSON::Object& data,
                              const Poco::JSON::Object& parent_data, const std::string& timer_id,
                              const SharedServices& services) noexcept {
  ActionResult result;
  PluginUse use{plugin,
                Kind::timer_action,
                "timer action \"" + plugin.key + "\"",
                services,
                "plugin=" + plugin.key + " timer=" + timer_id,
                nullptr};
  try {
    use.config = object(params);
  } catch (const Poco::Exception& e) {
    result.error = "the timer's params cannot be read: " + e.displayText();
    return result;
  } catch (const std::exception& e) {
    result.error = std::string("the timer's params cannot be read: ") + e.what();
    return result;
  }
  const auto failed = call_plugin_as<TimerAction>(use, [&](TimerAction& action) {
    action.restore_state(object(state));
    const Status status = action.fire(data, parent_data);
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

}  // namespace warden::host
