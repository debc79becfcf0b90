#pragma once

#include "host/config/config_schema.hpp"
#include "host/plugins/problem.hpp"

#include <warden/plugin.hpp>

#include <Poco/JSON/Object.h>

#include <filesystem>
#include <optional>
#include <string>

namespace warden::host {

/// A plugin folder's manifest.json, checked (SPEC §2), with help.md merged into it.
struct Manifest {
  std::string key;
  Kind kind = Kind::solution;
  std::string name;
  std::string version;
  int sdk = 0;
  std::string library;  ///< as written; resolved inside the folder by the loader
  std::string description;
  std::string group;     ///< the console's group of plugins ("Flink", "Chat"); empty: none
  std::string overview;  ///< help.md before its first `##` (Markdown); empty without help.md
  ConfigSchema schema;   ///< fields in form order, Markdown help winning over JSON help
};

/// Reads and checks `<folder>/manifest.json` (plus help.md and default files). `folder_label` is
/// how problems name the folder (its name under the plugins directory). Returns the manifest when
/// there are no problems; otherwise appends every problem found to `problems` and returns nullopt.
std::optional<Manifest> read_manifest(const std::filesystem::path& folder,
                                      const std::string& folder_label, Problems& problems);

/// Checks that `key` has the form `[a-z][a-z0-9_]{0,62}`.
bool is_valid_plugin_key(std::string_view key);

}  // namespace warden::host
