#pragma once
// A real task manager for the kinds that start tasks: SQLite in a temporary folder, the staged
// bundled plugins and the task fixtures through the real registry.

#include "host/services/mustache_renderer.hpp"
#include "host/store/database.hpp"
#include "host/tasks/task_manager.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace warden::host::test_kinds {

class TaskKindsFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    registry.reload();
    tasks.start();
  }

  /// The task once ended (or as last seen after a minute).
  TaskRecord ended(const std::string& id) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < until) {
      auto r = tasks.find(id);
      if (r && is_terminal(r->status)) return *r;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ADD_FAILURE() << "task " << id << " did not end within a minute";
    return tasks.find(id).value_or(TaskRecord{});
  }

  test::TempDir dir;
  Database database{"sqlite:" + (dir.path() / "tasks.db").string()};
  SqlTaskStore store{database};
  PluginRegistry registry{
      {WARDEN_STAGED_PLUGINS_DIR, std::filesystem::path(WARDEN_FIXTURE_PLUGINS_DIR) / "tasks"}};
  TaskManager tasks{store, registry, make_shared_services(), {}};
  MustacheRenderer renderer;
};

}  // namespace warden::host::test_kinds
