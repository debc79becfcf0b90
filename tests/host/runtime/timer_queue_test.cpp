#include "host/runtime/timer_queue.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace warden::host {
namespace {

using namespace std::chrono_literals;

TEST(TimerQueue, FiresInDueOrderAndNeverEarly) {
  TimerQueue timers;
  std::mutex mutex;
  std::vector<std::pair<int, std::int64_t>> fired;  // (which, lateness ms)
  const auto start = now_ms();
  for (int which : {3, 1, 2, 0}) {
    const auto due = start + 40 + which * 30;
    timers.schedule_at_ms(due, [&, which, due] {
      std::lock_guard lock(mutex);
      fired.emplace_back(which, now_ms() - due);
    });
  }
  std::this_thread::sleep_for(300ms);
  std::lock_guard lock(mutex);
  ASSERT_EQ(fired.size(), 4u);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(fired[i].first, i);
    EXPECT_GE(fired[i].second, 0) << "timer " << i << " fired early";
    EXPECT_LT(fired[i].second, 50) << "timer " << i << " fired late";
  }
}

TEST(TimerQueue, AnEarlierTimerScheduledLaterWakesTheThread) {
  TimerQueue timers;
  std::atomic<bool> early{false};
  timers.schedule_at_ms(now_ms() + 60'000, [] {});
  timers.schedule_at_ms(now_ms() + 20, [&] { early = true; });
  std::this_thread::sleep_for(200ms);
  EXPECT_TRUE(early);
  EXPECT_EQ(timers.pending(), 1u);
}

TEST(TimerQueue, PastDueTimersFireAtOnceAndStopDropsTheRest) {
  TimerQueue timers;
  std::atomic<int> count{0};
  timers.schedule_at_ms(now_ms() - 5'000, [&] { ++count; });
  timers.schedule_at_ms(now_ms() + 60'000, [&] { ++count; });
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(count, 1);
  timers.stop();
  timers.schedule_at_ms(now_ms(), [&] { ++count; });  // ignored after stop
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(count, 1);
}

TEST(TimerQueue, ACallbackThatThrowsDoesNotStopTheQueue) {
  TimerQueue timers;
  std::atomic<bool> after{false};
  timers.schedule_at_ms(now_ms(), [] { throw std::runtime_error("boom"); });
  timers.schedule_at_ms(now_ms() + 10, [&] { after = true; });
  std::this_thread::sleep_for(100ms);
  EXPECT_TRUE(after);
}

}  // namespace
}  // namespace warden::host
