// call_plugin: the one way the host makes a plugin object and calls it.
#include "host/plugins/plugin_call.hpp"

#include <warden/timer_action.hpp>

#include <gtest/gtest.h>

#include <stdexcept>

namespace warden::host {
namespace {

class PluginCall : public ::testing::Test {
 protected:
  void SetUp() override {
    registry.reload();
    probe = registry.find("probe");
    ASSERT_TRUE(probe && probe->loaded());
  }
  PluginUse use(const PluginRecord& plugin, Kind kind) {
    return {plugin,         kind,   "timer action \"probe\"", make_shared_services(),
            "plugin=probe", nullptr};
  }

  PluginRegistry registry{{std::filesystem::path(WARDEN_FIXTURE_PLUGINS_DIR) / "timers"}};
  std::shared_ptr<const PluginRecord> probe;
};

TEST_F(PluginCall, MakesABoundObjectOfTheRightKindAndCallsIt) {
  bool called = false;
  const auto error = call_plugin_as<TimerAction>(use(*probe, Kind::timer_action),
                                                 [&](TimerAction&) { called = true; });
  EXPECT_EQ(error, "");
  EXPECT_TRUE(called);
}

TEST_F(PluginCall, APluginOfAnotherKindIsNotCalled) {
  bool called = false;
  const auto error = call_plugin(use(*probe, Kind::solution), [&](Plugin&) { called = true; });
  EXPECT_EQ(error, "timer action \"probe\" is a timer_action plugin, not solution");
  EXPECT_FALSE(called);
}

TEST_F(PluginCall, APluginThatIsNotLoadedIsNotCalled) {
  PluginRecord missing;
  missing.key = "probe";
  bool called = false;
  EXPECT_EQ(call_plugin(use(missing, Kind::timer_action), [&](Plugin&) { called = true; }),
            "timer action \"probe\" is not loaded");
  EXPECT_FALSE(called);
}

TEST_F(PluginCall, WhatTheCallThrowsIsTheError) {
  EXPECT_EQ(call_plugin(use(*probe, Kind::timer_action),
                        [](Plugin&) { throw std::runtime_error("it broke"); }),
            "it broke");
}

}  // namespace
}  // namespace warden::host
