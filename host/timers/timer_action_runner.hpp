#pragma once

#include "host/plugins/plugin_registry.hpp"
#include "host/services/host_services_impl.hpp"

#include <Poco/JSON/Object.h>

#include <string>

namespace warden::host {

/// What one firing of a timer action did.
struct ActionResult {
  bool ok = false;
  std::string error;  ///< why, when !ok
  std::string state;  ///< the action's state() after the firing (JSON); empty if it never ran
};

/// Calls a timer_action plugin's `do(data, parent_data)` in a new object bound to `params` (the
/// action's validated params, JSON), its `state` from the last firing, and a logger tagged with
/// the plugin and `timer_id`. Never throws: an exception or `false` is a failed firing.
ActionResult run_timer_action(const PluginRecord& plugin, const std::string& params,
                              const std::string& state, const Poco::JSON::Object& data,
                              const Poco::JSON::Object& parent_data, const std::string& timer_id,
                              const SharedServices& services) noexcept;

}  // namespace warden::host
