#include "host/http/connection_watchdog.hpp"

#include <spdlog/spdlog.h>

#include <sys/socket.h>

namespace warden::host::http {
namespace {

// Deadlines are checked at this interval: a cut comes at most this late, and the thread costs
// nothing between checks. The served connections are at most the server's threads, so a check
// is short.
constexpr auto kCheckInterval = std::chrono::milliseconds(100);

}  // namespace

ConnectionWatchdog::ConnectionWatchdog() = default;

ConnectionWatchdog::~ConnectionWatchdog() {
  stop();
}

void ConnectionWatchdog::watch(int fd, Clock::time_point deadline) {
  std::lock_guard lock(mutex_);
  deadlines_[fd] = deadline;
}

void ConnectionWatchdog::forget(int fd) {
  std::lock_guard lock(mutex_);
  deadlines_.erase(fd);
}

std::size_t ConnectionWatchdog::watched() const {
  std::lock_guard lock(mutex_);
  return deadlines_.size();
}

void ConnectionWatchdog::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
}

void ConnectionWatchdog::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mutex_);
  deadlines_.clear();
}

void ConnectionWatchdog::loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, kCheckInterval, [this] { return stopping_; });
    const auto now = Clock::now();
    for (auto it = deadlines_.begin(); it != deadlines_.end();) {
      if (it->second > now) {
        ++it;
        continue;
      }
      // Under the lock: forget() cannot return, so the socket cannot close, while it is cut.
      ::shutdown(it->first, SHUT_RDWR);
      spdlog::debug("http connection cut: it overran its deadline");
      it = deadlines_.erase(it);
    }
  }
}

}  // namespace warden::host::http
