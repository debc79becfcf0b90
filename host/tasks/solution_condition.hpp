#pragma once

#include "host/config/config_schema.hpp"
#include "host/plugins/plugin_registry.hpp"

#include <Poco/JSON/Object.h>

#include <string>

namespace warden::host {

/// A solution's condition checked against its manifest's fields (SPEC §3) with the host's lists
/// for `options_from`: the one check of create_task, a saved solution and a policy's solution
/// action. `previous` (an update): a secret sent masked or left out keeps its previous value.
ConfigSchema::Result check_solution_condition(const PluginRecord& solution,
                                              const PluginRegistry& registry,
                                              const Poco::JSON::Object& condition,
                                              const Poco::JSON::Object* previous = nullptr);

/// Empty when `key` names a loaded solution plugin, else what is wrong (naming the loaded ones).
std::string solution_plugin_problem(const PluginRegistry& registry, const std::string& key);

}  // namespace warden::host
