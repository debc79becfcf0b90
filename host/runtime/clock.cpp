#include "host/runtime/clock.hpp"

namespace warden::host {

std::int64_t Clock::now_ms() const {
  const auto us = now_us();
  return us >= 0 ? us / 1000 : -((-us + 999) / 1000);  // floor, also before 1970
}

std::uint64_t Clock::on_jump(Listener) const {
  return 0;
}

void Clock::forget(std::uint64_t) const {}

std::int64_t SystemClock::now_us() const {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::chrono::steady_clock::time_point SystemClock::steady_now() const {
  return std::chrono::steady_clock::now();
}

void SystemClock::wait_until_ms(std::condition_variable& wake, std::unique_lock<std::mutex>& lock,
                                std::int64_t due_ms) const {
  wake.wait_until(lock, std::chrono::system_clock::time_point(std::chrono::milliseconds(due_ms)));
}

const Clock& system_clock() {
  static const SystemClock clock;
  return clock;
}

std::int64_t now_ms() {
  return system_clock().now_ms();
}

ManualClock::ManualClock() : ManualClock(host::now_ms()) {}

ManualClock::ManualClock(std::int64_t start_ms)
    : now_us_(start_ms * 1000), start_us_(start_ms * 1000) {}

void ManualClock::advance(std::chrono::microseconds by) {
  std::lock_guard lock(listeners_mutex_);
  now_us_ += by.count();
  for (const auto& [_, listener] : listeners_) listener();
}

std::int64_t ManualClock::now_us() const {
  return now_us_.load();
}

std::chrono::steady_clock::time_point ManualClock::steady_now() const {
  return std::chrono::steady_clock::time_point(std::chrono::microseconds(now_us_ - start_us_));
}

void ManualClock::wait_until_ms(std::condition_variable& wake, std::unique_lock<std::mutex>& lock,
                                std::int64_t) const {
  wake.wait(lock);  // the waiter's on_jump listener notifies `wake` when advance() moves the time
}

std::uint64_t ManualClock::on_jump(Listener listener) const {
  std::lock_guard lock(listeners_mutex_);
  const auto id = next_id_++;
  listeners_.emplace(id, std::move(listener));
  return id;
}

void ManualClock::forget(std::uint64_t id) const {
  std::lock_guard lock(listeners_mutex_);
  listeners_.erase(id);
}

}  // namespace warden::host
