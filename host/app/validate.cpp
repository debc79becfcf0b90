#include "host/app/commands.hpp"
#include "host/isolation/runner_host.hpp"
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
  // Libraries are checked in runner processes: one that crashes while loading is a problem line.
  RunnerOptions runner;
  runner.executable = default_runner_executable();
  runner.log_level = "off";
  IsolationSettings isolation;
  isolation.bundled = Isolation::process;
  isolation.runners_per_plugin = 1;
  auto host = std::make_shared<RunnerHost>(isolation, runner);
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
      records.push_back(load_plugin_folder(folder, folder.filename().string(), *host));
    } else {
      plugins_dirs.push_back(dir);
    }
  }
  if (!plugins_dirs.empty()) {
    PluginRegistry registry(plugins_dirs, host);
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
