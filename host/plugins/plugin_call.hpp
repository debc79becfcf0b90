#pragma once

#include "host/plugins/plugin_registry.hpp"
#include "host/services/host_services_impl.hpp"

#include <warden/plugin.hpp>

#include <Poco/JSON/Object.h>

#include <functional>
#include <string>

namespace warden::host {

/// One use of a plugin: which, what errors call it, and what its new object is bound to.
struct PluginUse {
  const PluginRecord& plugin;
  Kind kind;                ///< what the plugin must be
  std::string name;         ///< how errors name it: `solution "x"`, `channel plugin "y"`
  SharedServices services;  ///< lent to the object, with a logger tagged `log_tag`
  std::string log_tag;
  Poco::JSON::Object::Ptr config;  ///< bound to the object; null is {}
};

/// Makes a new object of a loaded plugin of the use's kind, lends it host services that outlive it,
/// binds it to the config and calls `call` with it. Returns "" when `call` returned, else why not:
/// the plugin is not loaded, not of that kind, its object could not be made, or what `call` (or
/// anything before it) threw. Never throws. The one way the host makes a plugin object and calls
/// it.
std::string call_plugin(const PluginUse& use, const std::function<void(Plugin&)>& call) noexcept;

/// The same with the object as the use's plugin type (Solution, AlertChannel, TimerAction).
template <class T, class Call>
std::string call_plugin_as(const PluginUse& use, Call&& call) noexcept {
  return call_plugin(use, [&](Plugin& object) { call(static_cast<T&>(object)); });
}

}  // namespace warden::host
