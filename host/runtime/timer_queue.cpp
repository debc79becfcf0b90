#include "host/runtime/timer_queue.hpp"

#include <spdlog/spdlog.h>

namespace warden::host {

TimerQueue::TimerQueue(const Clock& clock)
    : clock_(clock),
      // Taking the lock orders the notification after the loop's look at the time or its wait.
      jump_listener_(clock.on_jump([this] {
        std::lock_guard lock(mutex_);
        wake_.notify_one();
      })),
      thread_([this] { loop(); }) {}

TimerQueue::~TimerQueue() {
  stop();
}

void TimerQueue::schedule_at_ms(std::int64_t due_ms, Callback callback) {
  bool earliest = false;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    earliest = timers_.empty() || due_ms < timers_.top().due_ms;
    timers_.push({due_ms, next_order_++, std::move(callback)});
  }
  if (earliest) wake_.notify_one();
}

void TimerQueue::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  clock_.forget(jump_listener_);
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

std::size_t TimerQueue::pending() const {
  std::lock_guard lock(mutex_);
  return timers_.size();
}

void TimerQueue::loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (timers_.empty()) {
      wake_.wait(lock);
      continue;
    }
    const auto due_ms = timers_.top().due_ms;
    if (clock_.now_ms() < due_ms) {
      clock_.wait_until_ms(wake_, lock, due_ms);
      continue;  // woken early, by a new earlier timer, the clock, or stop(): look again
    }
    Callback callback = std::move(const_cast<Timer&>(timers_.top()).callback);
    timers_.pop();
    lock.unlock();
    try {
      callback();
    } catch (const std::exception& e) {
      spdlog::error("timer callback failed: {}", e.what());
    }
    lock.lock();
  }
}

}  // namespace warden::host
