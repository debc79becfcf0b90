#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

namespace warden::host::http {

/// Cuts the connections being served that overrun their deadline (Apache's mod_reqtimeout idea):
/// Poco's timeout bounds one receive and restarts with every byte, so a client sending a byte a
/// second would otherwise hold a server thread for as long as it likes. At the deadline the socket
/// is shut down (`shutdown(fd, SHUT_RDWR)`), which ends the blocked read with end-of-file; the
/// connection then closes as any other broken one.
class ConnectionWatchdog {
 public:
  using Clock = std::chrono::steady_clock;

  ConnectionWatchdog();
  ~ConnectionWatchdog();
  ConnectionWatchdog(const ConnectionWatchdog&) = delete;
  ConnectionWatchdog& operator=(const ConnectionWatchdog&) = delete;

  /// Watches the open socket `fd` until `deadline`, replacing an earlier deadline for it.
  void watch(int fd, Clock::time_point deadline);
  /// Stops watching `fd`; once it returns, the watchdog no longer touches that socket, so the
  /// caller may close it. Call it before the socket closes (its number may be reused).
  void forget(int fd);
  /// Starts the thread (again, after stop()).
  void start();
  /// Stops the thread and forgets every socket. Idempotent.
  void stop();

  std::size_t watched() const;

 private:
  void loop();

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::map<int, Clock::time_point> deadlines_;
  bool stopping_ = false;
  std::thread thread_;
};

/// Watches one connection's socket while it is served; forgets it when it goes out of scope.
class WatchedSocket {
 public:
  WatchedSocket(ConnectionWatchdog& watchdog, int fd) : watchdog_(watchdog), fd_(fd) {}
  ~WatchedSocket() { watchdog_.forget(fd_); }
  WatchedSocket(const WatchedSocket&) = delete;
  WatchedSocket& operator=(const WatchedSocket&) = delete;

  /// The connection must be done with its current phase within `limit` from now.
  void limit(std::chrono::milliseconds limit) {
    watchdog_.watch(fd_, ConnectionWatchdog::Clock::now() + limit);
  }

 private:
  ConnectionWatchdog& watchdog_;
  int fd_;
};

}  // namespace warden::host::http
