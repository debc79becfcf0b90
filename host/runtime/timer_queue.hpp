#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <queue>
#include <thread>
#include <vector>

namespace warden::host {

/// Calls functions at wall-clock times. One thread sleeps until the earliest due time (no scanning
/// at an interval), so a timer fires as soon as it is due and never before. Callbacks run on that
/// thread one after another: keep them short (hand real work to a queue). A timer cannot be
/// cancelled: its callback checks whether it still matters.
class TimerQueue {
 public:
  using Clock = std::chrono::system_clock;
  using Callback = std::function<void()>;

  TimerQueue();
  ~TimerQueue();
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;

  /// Calls `callback` at `due` (at once when `due` has passed). Ignored after stop().
  void schedule(Clock::time_point due, Callback callback);
  /// The same with milliseconds since the Unix epoch.
  void schedule_at_ms(std::int64_t due_ms, Callback callback);
  /// Stops the thread; timers not yet due are dropped. Idempotent.
  void stop();
  std::size_t pending() const;

 private:
  struct Timer {
    Clock::time_point due;
    std::uint64_t order;  // ties fire in the order scheduled
    Callback callback;
  };
  struct Later {
    bool operator()(const Timer& a, const Timer& b) const {
      return a.due != b.due ? a.due > b.due : a.order > b.order;
    }
  };
  void loop();

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::priority_queue<Timer, std::vector<Timer>, Later> timers_;
  std::uint64_t next_order_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

/// Milliseconds since the Unix epoch, now.
std::int64_t now_ms();

}  // namespace warden::host
