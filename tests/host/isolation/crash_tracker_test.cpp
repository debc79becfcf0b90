#include "host/isolation/crash_tracker.hpp"

#include <gtest/gtest.h>

namespace warden::host {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TEST(CrashTracker, TheLimitWithinTheWindowFailsThePluginButOlderCrashesDoNotCount) {
  CrashTracker tracker(3, 60s);
  const auto t0 = Clock::time_point{} + 1000s;
  EXPECT_FALSE(tracker.record(t0));
  EXPECT_FALSE(tracker.record(t0 + 10s));
  EXPECT_FALSE(tracker.record(t0 + 61s));  // the first has left the window
  EXPECT_EQ(tracker.recent(t0 + 61s), 2);
  EXPECT_TRUE(tracker.record(t0 + 62s));
}

TEST(CrashTracker, NoLimitNeverFails) {
  CrashTracker tracker(0, 60s);
  const auto t0 = Clock::time_point{} + 1000s;
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(tracker.record(t0 + i * 1ms));
}

TEST(CrashTracker, BackoffDoublesPerRecentCrashUpToFiveSecondsCountedFromTheLast) {
  CrashTracker tracker(0, 60s);
  const auto t0 = Clock::time_point{} + 1000s;
  EXPECT_EQ(tracker.backoff(t0), 0ms);
  tracker.record(t0);
  EXPECT_EQ(tracker.backoff(t0), 100ms);
  EXPECT_EQ(tracker.backoff(t0 + 40ms), 60ms);
  tracker.record(t0);
  EXPECT_EQ(tracker.backoff(t0), 200ms);
  for (int i = 0; i < 10; ++i) tracker.record(t0);
  EXPECT_EQ(tracker.backoff(t0), 5000ms);
  EXPECT_EQ(tracker.backoff(t0 + 6s), 0ms);
  EXPECT_EQ(tracker.backoff(t0 + 61s), 0ms);  // out of the window
}

}  // namespace
}  // namespace warden::host
