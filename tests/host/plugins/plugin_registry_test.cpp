// The registry's lists for options_from: its own, and those the host provides to it.
#include "host/plugins/plugin_registry.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace warden::host
