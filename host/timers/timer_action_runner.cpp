#include "host/timers/timer_action_runner.hpp"

#include <warden/json_value.hpp>
#include <warden/timer_action.hpp>

#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>

namespace warden::host {

ActionResult run_timer_action(const PluginRecord& plugin, const std::string& params,
                              const std::string& state, const Poco::JSON::Object& data,
                              const Poco::JSON::Object& parent_data, const std::string& timer_id,
                              const SharedServices& services) noexcept {
  ActionResult result;
  try {
    if (!plugin.loaded()) {
      result.error = "timer action \"" + plugin.key + "\" is not loaded";
      return result;
    }
    // Declared before the object: the object points at it until it is destroyed.
    HostServicesImpl host(services, "plugin=" + plugin.key + " timer=" + timer_id);
    std::string error;
    auto action = plugin.library->create_as<TimerAction>(error);
    if (!action) {
      result.error = "timer action \"" + plugin.key + "\" could not be made: " + error;
      return result;
    }
    const auto object = [](const std::string& text) {
      return Poco::JSON::Parser()
          .parse(text.empty() ? "{}" : text)
          .extract<Poco::JSON::Object::Ptr>();
    };
    action->bind(host, Config(object(params)));
    action->restore_state(object(state));
    const Status status = action->fire(data, parent_data);
    result.ok = status.ok;
    result.error = status.message;
    result.state = compact_json(*action->state_json());
  } catch (const Poco::Exception& e) {
    result.error = e.displayText();
  } catch (const std::exception& e) {
    result.error = e.what();
  }
  return result;
}

}  // namespace warden::host
