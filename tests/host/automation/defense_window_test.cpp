#include "host/automation/defense_window.hpp"

#include <gtest/gtest.h>

namespace warden::host {
namespace {

TEST(AutomationDefenseWindow, AdmitsUpToTheLimitWithinTheWindowThenAsksForApproval) {
  DefenseWindow window;
  const DefenseRule rule{.max_actions = 2, .window_s = 60};
  EXPECT_TRUE(window.admit("p", rule, 1'000));
  EXPECT_TRUE(window.admit("p", rule, 2'000));
  EXPECT_FALSE(window.admit("p", rule, 3'000));
  EXPECT_TRUE(window.admit("other", rule, 3'000)) << "each policy has its own window";
  // The first two leave the window after 60 s; the refused one still counts.
  EXPECT_FALSE(window.admit("p", rule, 61'500));
  EXPECT_TRUE(window.admit("p", rule, 63'001 + 60'000));
}

TEST(AutomationDefenseWindow, NoRuleAdmitsEverything) {
  DefenseWindow window;
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(window.admit("p", DefenseRule{}, i));
}

}  // namespace
}  // namespace warden::host
