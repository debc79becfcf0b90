#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>

namespace warden::host {

/// Where the host reads the time: wall-clock time for due times and records, steady time for how
/// long something took. Passed in, so tests move the time themselves (ManualClock) instead of
/// sleeping for it to pass.
class Clock {
 public:
  using Listener = std::function<void()>;
  virtual ~Clock() = default;

  /// Wall-clock time: microseconds since the Unix epoch.
  virtual std::int64_t now_us() const = 0;
  /// Wall-clock time: milliseconds since the Unix epoch.
  std::int64_t now_ms() const;
  /// Steady time: never goes back, for measuring how long something took.
  virtual std::chrono::steady_clock::time_point steady_now() const = 0;

  /// Waits on `wake` (releasing `lock` meanwhile) until the wall-clock time may have reached
  /// `due_ms` or `wake` is notified. May return early: the caller looks at the time again.
  virtual void wait_until_ms(std::condition_variable& wake, std::unique_lock<std::mutex>& lock,
                             std::int64_t due_ms) const = 0;

  /// Calls `listener` (on the thread that moved the time) after every jump a waiter cannot see by
  /// itself: a ManualClock's advance. Returns an id for forget(). The system clock never jumps.
  virtual std::uint64_t on_jump(Listener listener) const;
  /// Once this returns, the listener is not running and is not called again.
  virtual void forget(std::uint64_t id) const;
};

/// The operating system's clocks.
class SystemClock final : public Clock {
 public:
  std::int64_t now_us() const override;
  std::chrono::steady_clock::time_point steady_now() const override;
  void wait_until_ms(std::condition_variable& wake, std::unique_lock<std::mutex>& lock,
                     std::int64_t due_ms) const override;
};

/// The process's system clock (what every service uses unless a test hands it another).
const Clock& system_clock();

/// A clock for tests: its time moves only by advance(), which wakes whatever waits on it (so the
/// timers due by then fire at once, on their own threads).
class ManualClock final : public Clock {
 public:
  /// Starts at the system time (ids and stored times made by it then sort with the others).
  ManualClock();
  explicit ManualClock(std::int64_t start_ms);

  void advance(std::chrono::microseconds by);

  std::int64_t now_us() const override;
  std::chrono::steady_clock::time_point steady_now() const override;
  void wait_until_ms(std::condition_variable& wake, std::unique_lock<std::mutex>& lock,
                     std::int64_t due_ms) const override;
  std::uint64_t on_jump(Listener listener) const override;
  void forget(std::uint64_t id) const override;

 private:
  std::atomic<std::int64_t> now_us_;
  const std::int64_t start_us_;
  // Held while listeners run, so forget() returns only once its listener cannot be running.
  mutable std::mutex listeners_mutex_;
  mutable std::map<std::uint64_t, Listener> listeners_;
  mutable std::uint64_t next_id_ = 1;
};

/// Milliseconds since the Unix epoch, now, by the system clock.
std::int64_t now_ms();

}  // namespace warden::host
