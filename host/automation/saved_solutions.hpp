#pragma once

#include "host/automation/named_config_store.hpp"
#include "host/automation/saved_solution.hpp"
#include "host/runtime/request_error.hpp"

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace warden {
class TemplateRenderer;
}

namespace warden::host {

class Database;
class PluginRegistry;

/// The saved solutions: checked when saved against their plugin's manifest (a template is rendered
/// with the sample alert first), stored in `named_configs` (collection `solution`), held in memory.
/// Thread-safe; readers get immutable snapshots.
class SavedSolutions {
 public:
  using Snapshot = std::shared_ptr<const SavedSolution>;
  /// The names of the policies that use a saved solution (deleting it is refused while any do).
  using Users = std::function<std::vector<std::string>(const std::string&)>;

  /// Reads every stored solution. `registry` and `renderer` outlive this.
  SavedSolutions(Database& database, const PluginRegistry& registry, TemplateRenderer& renderer,
                 Users users);

  /// Creates or replaces `name` from `{"plugin", "condition", "description"?}`. An object
  /// condition's secret sent as "******" (or left out) keeps its stored value when the plugin is
  /// the same. Throws RequestError (invalid) with every problem by field.
  Snapshot put(const std::string& name, const Poco::JSON::Object& body);
  /// Nullptr when there is no such solution.
  Snapshot find(const std::string& name) const;
  /// By name.
  std::vector<Snapshot> list() const;
  /// False when there was no such solution; throws RequestError (conflict) naming the policies
  /// that use it.
  bool remove(const std::string& name);

  /// An object condition with its secrets masked (a template is shown as written).
  Poco::Dynamic::Var masked_condition(const SavedSolution& solution) const;
  /// Whether the solution's plugin is loaded now.
  bool plugin_loaded(const SavedSolution& solution) const;

 private:
  /// The checked condition, or empty with its problems in `errors`.
  Poco::Dynamic::Var check_condition(const SavedSolution& solution, const SavedSolution* previous,
                                     std::map<std::string, std::string>& errors) const;

  NamedConfigStore store_;
  const PluginRegistry& registry_;
  TemplateRenderer& renderer_;
  Users users_;
  mutable std::mutex mutex_;
  std::map<std::string, Snapshot> solutions_;
};

}  // namespace warden::host
