// ChannelLanes alone: a queue and threads per channel instance.
#include "host/alerts/channel_lanes.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace warden::host {
namespace {

using namespace std::chrono_literals;

/// A gate the jobs wait at until the test opens it.
struct Latch {
  std::mutex mutex;
  std::condition_variable changed;
  bool open = false;
  int waiting = 0;

  void wait() {
    std::unique_lock lock(mutex);
    ++waiting;
    changed.notify_all();
    changed.wait(lock, [&] { return open; });
  }
  bool wait_for_waiting(int n) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, 10s, [&] { return waiting >= n; });
  }
  void release() {
    std::lock_guard lock(mutex);
    open = true;
    changed.notify_all();
  }
};

/// Opens the latch when the test ends, however it ends (before the lanes join their threads).
struct ReleaseAtEnd {
  Latch& latch;
  ~ReleaseAtEnd() { latch.release(); }
};

TEST(ChannelLanes, ABlockedLaneHoldsUpOnlyItself) {
  Latch latch;  // outlives the lanes: their threads wait at it
  std::atomic<bool> other_ran{false};
  ChannelLanes lanes;
  ReleaseAtEnd release{latch};
  ASSERT_TRUE(lanes.post("slow", 1, [&] { latch.wait(); }));
  ASSERT_TRUE(latch.wait_for_waiting(1));
  ASSERT_TRUE(lanes.post("fast", 1, [&] { other_ran = true; }));
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (!other_ran && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(1ms);
  EXPECT_TRUE(other_ran);
  latch.release();
}

TEST(ChannelLanes, ALaneRunsAsManyJobsAtOnceAsItsConcurrency) {
  Latch latch;
  ChannelLanes lanes;
  ReleaseAtEnd release{latch};
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(lanes.post("c", 3, [&] { latch.wait(); }));
  EXPECT_TRUE(latch.wait_for_waiting(3));
  latch.release();
}

TEST(ChannelLanes, AConcurrencyChangeKeepsWhatTheOldLaneHolds) {
  Latch latch;
  std::atomic<int> ran{0};
  ChannelLanes lanes;
  ReleaseAtEnd release{latch};
  ASSERT_TRUE(lanes.post("c", 1, [&] { latch.wait(); }));
  ASSERT_TRUE(latch.wait_for_waiting(1));
  ASSERT_TRUE(lanes.post("c", 1, [&] { ++ran; }));  // queued behind the blocked one
  ASSERT_TRUE(lanes.post("c", 2, [&] { ++ran; }));  // a new lane: runs now
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (ran < 1 && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(1ms);
  EXPECT_EQ(ran, 1);
  latch.release();
  while (ran < 2 && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(1ms);
  EXPECT_EQ(ran, 2);
}

TEST(ChannelLanes, ClosedLanesTakeNothing) {
  ChannelLanes lanes;
  EXPECT_TRUE(lanes.close());
  EXPECT_FALSE(lanes.close());
  EXPECT_FALSE(lanes.post("c", 1, [] {}));
  lanes.stop();
}

}  // namespace
}  // namespace warden::host
