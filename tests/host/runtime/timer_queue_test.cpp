#include "host/runtime/timer_queue.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace warden::host {
namespace {

using namespace std::chrono_literals;

/// Waits (generously) for `done`, which another thread makes true.
template <class Pred>
bool eventually(Pred done) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

/// Returns once the queue has run every callback due by its clock's time now: one scheduled at
/// that time fires after them (the earlier due first, ties in the order scheduled).
void drain(TimerQueue& timers, const Clock& clock) {
  std::atomic<bool> reached{false};
  timers.schedule_at_ms(clock.now_ms(), [&] { reached = true; });
  ASSERT_TRUE(eventually([&] { return reached.load(); }));
}

TEST(TimerQueue, FiresInDueOrderAtItsClocksTimeAndNeverEarly) {
  ManualClock clock;
  TimerQueue timers(clock);
  std::mutex mutex;
  std::vector<std::pair<int, std::int64_t>> fired;  // (which, lateness ms)
  const auto start = clock.now_ms();
  for (int which : {3, 1, 2, 0}) {
    const auto due = start + 40 + which * 30;
    timers.schedule_at_ms(due, [&, which, due] {
      std::lock_guard lock(mutex);
      fired.emplace_back(which, clock.now_ms() - due);
    });
  }
  for (int step = 0; step < 13; ++step) {
    clock.advance(10ms);
    drain(timers, clock);
  }
  std::lock_guard lock(mutex);
  ASSERT_EQ(fired.size(), 4u);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(fired[i].first, i);
    EXPECT_EQ(fired[i].second, 0) << "timer " << i << " fired early or late";
  }
}

TEST(TimerQueue, NothingFiresUntilTheClockReachesIt) {
  ManualClock clock;
  TimerQueue timers(clock);
  std::atomic<bool> fired{false};
  timers.schedule_at_ms(clock.now_ms() + 1'000, [&] { fired = true; });
  clock.advance(999ms);
  drain(timers, clock);
  EXPECT_FALSE(fired);
  clock.advance(1ms);
  EXPECT_TRUE(eventually([&] { return fired.load(); }));
}

TEST(TimerQueue, AnEarlierTimerScheduledLaterWakesTheThread) {
  TimerQueue timers;  // the system clock: a real wait that a new earlier timer cuts short
  std::atomic<bool> early{false};
  timers.schedule_at_ms(now_ms() + 60'000, [] {});
  timers.schedule_at_ms(now_ms() + 20, [&] { early = true; });
  EXPECT_TRUE(eventually([&] { return early.load(); }));
  EXPECT_EQ(timers.pending(), 1u);
}

TEST(TimerQueue, PastDueTimersFireAtOnceAndStopDropsTheRest) {
  ManualClock clock;
  TimerQueue timers(clock);
  std::atomic<int> count{0};
  timers.schedule_at_ms(clock.now_ms() - 5'000, [&] { ++count; });
  timers.schedule_at_ms(clock.now_ms() + 60'000, [&] { ++count; });
  EXPECT_TRUE(eventually([&] { return count == 1; }));
  timers.stop();
  timers.schedule_at_ms(clock.now_ms(), [&] { ++count; });  // ignored after stop
  clock.advance(120s);
  EXPECT_EQ(count, 1);
}

TEST(TimerQueue, ACallbackThatThrowsDoesNotStopTheQueue) {
  ManualClock clock;
  TimerQueue timers(clock);
  std::atomic<bool> after{false};
  timers.schedule_at_ms(clock.now_ms(), [] { throw std::runtime_error("boom"); });
  timers.schedule_at_ms(clock.now_ms() + 10, [&] { after = true; });
  clock.advance(10ms);
  EXPECT_TRUE(eventually([&] { return after.load(); }));
}

TEST(ManualClock, MovesOnlyWhenAdvancedAndItsSteadyTimeWithIt) {
  ManualClock clock(1'000);
  const auto steady = clock.steady_now();
  EXPECT_EQ(clock.now_ms(), 1'000);
  clock.advance(1500us);
  EXPECT_EQ(clock.now_us(), 1'001'500);
  EXPECT_EQ(clock.now_ms(), 1'001);
  EXPECT_EQ(clock.steady_now() - steady, 1500us);
}

TEST(SystemClock, ReadsTheSystemTime) {
  const auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const auto read = system_clock().now_ms();
  EXPECT_GE(read, before);
  EXPECT_LT(read, before + 60'000);
}

}  // namespace
}  // namespace warden::host
