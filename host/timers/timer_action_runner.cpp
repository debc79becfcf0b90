#include "host/timers/timer_action_runner.hpp"

namespace warden::host {

ActionResult run_timer_action(PluginHost& host, const PluginRecord& plugin,
                              const std::string& params, const std::string& state,
                              Poco::JSON::Object::Ptr data, Poco::JSON::Object::Ptr parent_data,
                              const std::string& timer_id,
                              const SharedServices& services) noexcept {
  try {
    const FiringCall call{plugin.key, timer_id,        params,
                          state,      std::move(data), std::move(parent_data)};
    return host.fire(plugin, call, services);
  } catch (const std::exception& e) {  // out of memory copying the call
    return {false, e.what(), {}};
  }
}

}  // namespace warden::host
