#include "host/plugins/plugin_registry.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace warden::host {
namespace {
namespace fs = std::filesystem;

bool mapped(const std::string& needle) {
  std::ifstream maps("/proc/self/maps");
  std::stringstream text;
  text << maps.rdbuf();
  return text.str().find(needle) != std::string::npos;
}

TEST(PluginLibrary, StaysLoadedWhileAnObjectItMadeIsAliveAndUnloadsAfter) {
  test::TempDir dir;
  test::copy_folder(fs::path(WARDEN_STAGED_PLUGINS_DIR) / "example", dir.path() / "p/example");
  const std::string lib = (dir.path() / "p/example/libexample.so").string();
  std::shared_ptr<Plugin> object;
  {
    PluginRegistry registry({dir.path() / "p"});
    registry.reload();
    auto record = registry.find("example");
    ASSERT_TRUE(record && record->loaded());
    std::string error;
    object = record->library->create(error);
    ASSERT_TRUE(object) << error;
  }
  EXPECT_TRUE(mapped(lib)) << "the registry is gone but an object lives: the library must stay";
  object.reset();
  EXPECT_FALSE(mapped(lib)) << "the last object died: the library is unloaded";
}

TEST(PluginLibrary, RemovedFolderIsUnloadedOnReload) {
  test::TempDir dir;
  test::copy_folder(fs::path(WARDEN_STAGED_PLUGINS_DIR) / "example", dir.path() / "p/example");
  PluginRegistry registry({dir.path() / "p"});
  registry.reload();
  ASSERT_TRUE(mapped("p/example/libexample.so"));
  fs::remove_all(dir.path() / "p/example");
  auto report = registry.reload();
  EXPECT_EQ(report.removed, std::vector<std::string>{"example"});
  EXPECT_EQ(registry.find("example"), nullptr);
  EXPECT_FALSE(mapped("p/example/libexample.so"));
}

TEST(PluginLibrary, ExceptionsInPluginCodeBecomeStatuses) {
  test::TempDir dir;
  test::copy_folder(fs::path(WARDEN_STAGED_PLUGINS_DIR) / "test", dir.path() / "p/test");
  PluginRegistry registry({dir.path() / "p"});
  registry.reload();
  std::string error;
  auto solution = registry.find("test")->library->create_as<Solution>(error);
  ASSERT_TRUE(solution);
  // Unbound services would be a host bug; here the step name is unknown, which the SDK reports.
  auto status = solution->resume("no_such_step", Poco::Dynamic::Var());
  EXPECT_FALSE(status.ok);
  EXPECT_EQ(status.message, "unknown step 'no_such_step'");
}

}  // namespace
}  // namespace warden::host
