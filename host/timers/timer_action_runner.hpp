#pragma once

#include "host/plugins/plugin_calls.hpp"
#include "host/plugins/plugin_host.hpp"
#include "host/services/host_services_impl.hpp"

#include <Poco/JSON/Object.h>

#include <string>

namespace warden::host {

/// Calls a timer_action plugin's `do(data, parent_data)` through `host`, in a new object bound to
/// `params` (the action's validated params, JSON), its `state` from the last firing, and a logger
/// tagged with the plugin and `timer_id`. Never throws: an exception, a crash or `false` is a
/// failed firing.
ActionResult run_timer_action(PluginHost& host, const PluginRecord& plugin,
                              const std::string& params, const std::string& state,
                              Poco::JSON::Object::Ptr data, Poco::JSON::Object::Ptr parent_data,
                              const std::string& timer_id, const SharedServices& services) noexcept;

}  // namespace warden::host
