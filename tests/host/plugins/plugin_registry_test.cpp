// The registry's lists for options_from: its own, and those the host provides to it.
#include "host/plugins/plugin_registry.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace warden::host {
namespace {

TEST(PluginRegistryLists, OptionsFromListsProvidedByTheHostAreOfferedUntilWithdrawn) {
  test::TempDir dir;
  PluginRegistry registry({dir.path()});
  const auto options = registry_options(registry);
  EXPECT_FALSE(options("channels"));  // nothing provides it: left unchecked
  std::vector<std::string> channels{"ops"};
  registry.provide_list("channels", [&channels] { return channels; });
  EXPECT_EQ(options("channels"), std::vector<std::string>{"ops"});
  channels.push_back("pager");  // read each time, never a stale copy
  EXPECT_EQ(options("channels"), (std::vector<std::string>{"ops", "pager"}));
  EXPECT_FALSE(options("users"));
  registry.provide_list("channels", {});
  EXPECT_FALSE(options("channels"));
  EXPECT_EQ(options("solutions"), std::vector<std::string>{});  // the registry's own lists
}

TEST(PluginRegistryFolders, AFolderWithFilesButNoManifestFailsAndOneWithoutFilesIsSkipped) {
  test::TempDir dir;
  dir.write("bare/libbare.so", "a library that lost its manifest");
  dir.write("notes/README.txt", "a file where a plugin should be");
  std::filesystem::create_directories(dir.path() / "empty");
  std::filesystem::create_directories(dir.path() / "grouping/inner");
  dir.write(".hidden/libx.so", "");
  PluginRegistry registry({dir.path()});
  const auto report = registry.reload();
  EXPECT_EQ(report.added, (std::vector<std::string>{"bare", "notes"}));
  EXPECT_EQ(report.failed, (std::vector<std::string>{"bare", "notes"}));
  ASSERT_EQ(registry.list().size(), 2u);
  const auto bare = registry.find("bare");
  ASSERT_NE(bare, nullptr);
  ASSERT_EQ(bare->problems.size(), 1u);
  EXPECT_EQ(bare->problems[0].to_string(), "bare/: no manifest.json");
  EXPECT_EQ(registry.find("empty"), nullptr);

  // Files arriving in a skipped folder make it a plugin folder at the next reload.
  dir.write("empty/help.md", "Soon a plugin.\n");
  EXPECT_EQ(registry.reload().added, std::vector<std::string>{"empty"});
  EXPECT_NE(registry.find("empty"), nullptr);
}

}  // namespace
}  // namespace warden::host
