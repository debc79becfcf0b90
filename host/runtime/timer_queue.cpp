#include "host/runtime/timer_queue.hpp"

#include <spdlog/spdlog.h>

namespace warden::host {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             TimerQueue::Clock::now().time_since_epoch())
      .count();
}

TimerQueue::TimerQueue() : thread_([this] { loop(); }) {}

TimerQueue::~TimerQueue() {
  stop();
}

void TimerQueue::schedule(Clock::time_point due, Callback callback) {
  bool earliest = false;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    earliest = timers_.empty() || due < timers_.top().due;
    timers_.push({due, next_order_++, std::move(callback)});
  }
  if (earliest) wake_.notify_one();
}

void TimerQueue::schedule_at_ms(std::int64_t due_ms, Callback callback) {
  schedule(Clock::time_point(std::chrono::milliseconds(due_ms)), std::move(callback));
}

void TimerQueue::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
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
    const auto due = timers_.top().due;
    if (Clock::now() < due) {
      wake_.wait_until(lock, due);
      continue;  // woken early, by a new earlier timer, or by stop(): look again
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
