#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>

namespace warden::test {

/// Asks GET /healthz on 127.0.0.1:`port` every `interval` from a thread of its own until stopped
/// (or destroyed), and keeps what went wrong: any answer other than 200 {"status": "ok"}, or none.
class HealthzWatch {
 public:
  explicit HealthzWatch(int port,
                        std::chrono::milliseconds interval = std::chrono::milliseconds(50));
  ~HealthzWatch();
  HealthzWatch(const HealthzWatch&) = delete;
  HealthzWatch& operator=(const HealthzWatch&) = delete;

  /// Stops asking (waits for the question under way).
  void stop();

  int answers() const { return answers_; }
  int failures() const { return failures_; }
  /// The slowest answer.
  std::chrono::milliseconds slowest() const {
    return std::chrono::milliseconds(slowest_ms_.load());
  }
  /// What the first failure was ("" when none).
  std::string first_failure() const;

 private:
  void fail(const std::string& what);

  std::atomic<bool> stopping_{false};
  std::atomic<int> answers_{0}, failures_{0};
  std::atomic<long long> slowest_ms_{0};
  mutable std::mutex mutex_;
  std::string first_failure_;
  std::thread thread_;
};

}  // namespace warden::test
