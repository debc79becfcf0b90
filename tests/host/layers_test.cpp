// The layers of host/ (docs/ARCHITECTURE.md): no include runs back up them. Read from the sources,
// so a new include that breaks a rule fails here with the file and line that does.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

struct Include {
  std::string from_folder, to_folder, where;  // where: "host/x/y.cpp:12"
};

/// Every `#include "host/<folder>/…"` of a host/ source that names another folder.
std::vector<Include> cross_folder_includes() {
  const fs::path host = fs::path(WARDEN_SOURCE_DIR) / "host";
  const std::regex include(R"(^\s*#\s*include\s*"host/([a-z_]+)/)");
  std::vector<Include> found;
  for (const auto& entry : fs::recursive_directory_iterator(host)) {
    const auto ext = entry.path().extension();
    if (!entry.is_regular_file() || (ext != ".cpp" && ext != ".hpp")) continue;
    const auto relative = fs::relative(entry.path(), host);
    if (relative.begin() == relative.end() || std::next(relative.begin()) == relative.end())
      continue;  // a file directly in host/
    const std::string folder = relative.begin()->string();
    std::ifstream in(entry.path());
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
      std::smatch match;
      if (std::regex_search(line, match, include) && match[1] != folder)
        found.push_back(
            {folder, match[1], "host/" + relative.string() + ":" + std::to_string(number)});
    }
  }
  return found;
}

std::string violations(const std::vector<Include>& includes, const std::set<std::string>& from,
                       const std::set<std::string>& forbidden) {
  std::string out;
  for (const auto& i : includes)
    if ((from.empty() || from.count(i.from_folder)) && forbidden.count(i.to_folder))
      out += "  " + i.where + " includes host/" + i.to_folder + "/\n";
  return out;
}

TEST(Layers, TheSourcesAreWhereTheTestLooks) {
  EXPECT_FALSE(cross_folder_includes().empty());
}

TEST(Layers, RuntimeIncludesNoOtherHostFolder) {
  std::string out;
  for (const auto& i : cross_folder_includes())
    if (i.from_folder == "runtime") out += "  " + i.where + " includes host/" + i.to_folder + "/\n";
  EXPECT_EQ(out, "") << "host/runtime/ is shared by every concern and uses none of them:\n" << out;
}

TEST(Layers, DomainFoldersIncludeNeitherHttpNorApp) {
  const auto out =
      violations(cross_folder_includes(),
                 {"automation", "alerts", "tasks", "timers", "services", "store", "config",
                  "plugins", "runtime", "isolation", "runner", "cluster", "queue"},
                 {"http", "app"});
  EXPECT_EQ(out, "") << "only app/ wires http/ to the services:\n" << out;
}

TEST(Layers, HttpDoesNotIncludeApp) {
  const auto out = violations(cross_folder_includes(), {"http"}, {"app"});
  EXPECT_EQ(out, "") << out;
}

TEST(Layers, TasksDoNotIncludeTimers) {
  const auto out = violations(cross_folder_includes(), {"tasks"}, {"timers"});
  EXPECT_EQ(out, "") << "timers start tasks, never the other way round:\n" << out;
}

TEST(Layers, AutomationStandsOnAlertsAndTasksAndNeitherUsesIt) {
  auto out = violations(cross_folder_includes(), {"automation"}, {"timers"});
  out += violations(cross_folder_includes(), {"alerts", "tasks", "timers"}, {"automation"});
  EXPECT_EQ(out, "") << "automation joins alerts to tasks; nothing below it knows it:\n" << out;
}

TEST(Layers, TheOutboxKnowsNeitherTasksNorAutomation) {
  const auto out =
      violations(cross_folder_includes(), {"queue"}, {"tasks", "automation", "alerts", "timers"});
  EXPECT_EQ(out, "") << "tasks and actions write to the outbox, not the other way round:\n" << out;
}

TEST(Layers, IsolationStandsOnPluginsAndOnlyTheAppChoosesIt) {
  auto out = violations(cross_folder_includes(), {"isolation"},
                        {"tasks", "timers", "alerts", "automation", "store"});
  out += violations(cross_folder_includes(), {"alerts", "tasks", "timers", "automation", "plugins"},
                    {"isolation"});
  EXPECT_EQ(out, "") << "tasks, timers and channels call plugins through PluginHost; only app/ "
                        "picks runner processes:\n"
                     << out;
}

TEST(Layers, NoTwoFoldersIncludeEachOther) {
  std::map<std::string, std::set<std::string>> uses;
  std::map<std::pair<std::string, std::string>, std::string> first_place;
  for (const auto& i : cross_folder_includes()) {
    uses[i.from_folder].insert(i.to_folder);
    first_place.emplace(std::pair{i.from_folder, i.to_folder}, i.where);
  }
  // A cycle of any length, found by a depth-first search from every folder.
  std::string cycle;
  std::map<std::string, int> state;  // 1: on the path, 2: done
  std::vector<std::string> path;
  std::function<bool(const std::string&)> visit = [&](const std::string& folder) {
    state[folder] = 1;
    path.push_back(folder);
    for (const auto& next : uses[folder]) {
      if (state[next] == 1) {
        auto at = std::find(path.begin(), path.end(), next);
        for (auto it = at; it != path.end(); ++it) {
          const auto& to = std::next(it) == path.end() ? next : *std::next(it);
          cycle += "  " + first_place[{*it, to}] + " includes host/" + to + "/\n";
        }
        return true;
      }
      if (state[next] == 0 && visit(next)) return true;
    }
    path.pop_back();
    state[folder] = 2;
    return false;
  };
  for (const auto& [folder, _] : uses)
    if (state[folder] == 0 && visit(folder)) break;
  EXPECT_EQ(cycle, "") << "these includes make a cycle of folders:\n" << cycle;
}

}  // namespace
