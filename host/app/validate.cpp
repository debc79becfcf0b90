#include "host/app/commands.hpp"
#include "host/plugins/folder_paths.hpp"
#include "host/plugins/plugin_registry.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>

namespace warden::host {
namespace fs = std::filesystem;

int validate(const std::vector<std::string>& dirs) {
  spdlog::set_level(spdlog::level::off);  // the problems are the output
  std::vector<fs::path> plugins_dirs;
  std::vector<PluginRecord> records;
  for (const auto& d : dirs) {
    fs::path dir(d);
    if (!fs::is_directory(dir)) {
      std::cout << d << ": not a directory\n";
      return 1;
    }
    // A DIR with a part of a plugin (even without its manifest) is one plugin folder; any other
    // DIR is a directory of plugin folders.
    if (holds_plugin_parts(dir)) {
      auto folder = fs::absolute(dir).lexically_normal();
      if (folder.filename().empty()) folder = folder.parent_path();
      records.push_back(load_plugin_folder(folder, folder.filename().string()));
    } else {
      plugins_dirs.push_back(dir);
    }
  }
  if (!plugins_dirs.empty()) {
    PluginRegistry registry(plugins_dirs);
    registry.reload();
    for (const auto& r : registry.list()) records.push_back(*r);
  }

  std::size_t with_problems = 0;
  for (const auto& r : records) {
    if (!r.problems.empty()) ++with_problems;
    for (const auto& p : r.problems) std::cout << p.to_string() << "\n";
  }
  std::cerr << records.size() << " plugin folder(s) checked, " << with_problems
            << " with problems\n";
  return with_problems ? 1 : 0;
}

}  // namespace warden::host
