#include "host/tasks/solution_condition.hpp"

namespace warden::host {

ConfigSchema::Result check_solution_condition(const PluginRecord& solution,
                                              const PluginRegistry& registry,
                                              const Poco::JSON::Object& condition,
                                              const Poco::JSON::Object* previous) {
  return solution.manifest->schema.apply(condition, previous, registry_options(registry));
}

std::string solution_plugin_problem(const PluginRegistry& registry, const std::string& key) {
  const auto record = registry.find(key);
  if (record && record->loaded() && record->manifest && record->manifest->kind == Kind::solution)
    return {};
  std::string loaded;
  for (const auto& name : registry.loaded_keys(Kind::solution))
    loaded += (loaded.empty() ? "" : ", ") + name;
  if (record && record->manifest && record->manifest->kind == Kind::solution &&
      !record->problems.empty())
    return "solution \"" + key + "\" is not loaded: " + record->problems.front().to_string();
  return "unknown solution \"" + key + "\" (loaded: " + loaded + ")";
}

}  // namespace warden::host
