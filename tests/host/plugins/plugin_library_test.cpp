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

namespace warden::host {
namespace {

// The dynamic loader hands back an already-loaded image for the same path name. A library replaced
// on disk while an object of the old one is alive must still load as the new file.
TEST(PluginLibrary, ReplacedLibraryLoadsAsANewImageWhileTheOldOneIsInUse) {
  test::TempDir dir;
  test::copy_folder(fs::path(WARDEN_STAGED_PLUGINS_DIR) / "example", dir.path() / "p/example");
  PluginRegistry registry({dir.path() / "p"});
  registry.reload();
  std::string error;
  auto old_object = registry.find("example")->library->create(error);
  ASSERT_TRUE(old_object) << error;

  // Replace the file as an installer would: a new file renamed over the old one (a new inode).
  auto lib = dir.path() / "p/example/libexample.so";
  fs::copy_file(lib, dir.path() / "libexample.so.new");
  fs::rename(dir.path() / "libexample.so.new", lib);
  auto report = registry.reload();
  ASSERT_EQ(report.changed, std::vector<std::string>{"example"});
  auto record = registry.find("example");
  ASSERT_TRUE(record->loaded());
  auto new_object = record->library->create(error);
  ASSERT_TRUE(new_object) << error;

  // Different images: the objects' vtables live at different addresses.
  auto vtable = [](const Plugin* p) { return *reinterpret_cast<void* const*>(p); };
  EXPECT_NE(vtable(old_object.get()), vtable(new_object.get()));
}

}  // namespace
}  // namespace warden::host
