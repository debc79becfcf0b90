#pragma once

#include "host/runtime/clock.hpp"

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <queue>
#include <thread>
#include <vector>

namespace warden::host {

/// Calls functions at wall-clock times of its clock. One thread sleeps until the earliest due time
/// (no scanning at an interval), so a timer fires as soon as it is due and never before. Callbacks
/// run on that thread one after another: keep them short (hand real work to a queue). A timer
/// cannot be cancelled: its callback checks whether it still matters.
class TimerQueue {
 public:
  using Callback = std::function<void()>;

  /// `clock` outlives the queue.
  explicit TimerQueue(const Clock& clock = system_clock());
  ~TimerQueue();
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;

  /// Calls `callback` at `due_ms`, milliseconds since the Unix epoch by the queue's clock (at once
  /// when it has passed). Ignored after stop().
  void schedule_at_ms(std::int64_t due_ms, Callback callback);
  /// Stops the thread; timers not yet due are dropped. Idempotent.
  void stop();
  std::size_t pending() const;
  const Clock& clock() const { return clock_; }

 private:
  struct Timer {
    std::int64_t due_ms;
    std::uint64_t order;  // ties fire in the order scheduled
    Callback callback;
  };
  struct Later {
    bool operator()(const Timer& a, const Timer& b) const {
      return a.due_ms != b.due_ms ? a.due_ms > b.due_ms : a.order > b.order;
    }
  };
  void loop();

  const Clock& clock_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::priority_queue<Timer, std::vector<Timer>, Later> timers_;
  std::uint64_t next_order_ = 0;
  bool stopping_ = false;
  std::uint64_t jump_listener_ = 0;
  std::thread thread_;
};

}  // namespace warden::host
