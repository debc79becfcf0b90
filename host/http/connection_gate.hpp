#pragma once

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

namespace warden::host::http {

/// An empty line ends a request header (a bare LF is accepted as a line end, as Poco does).
bool header_complete(std::string_view seen);

struct GateLimits {
  /// A request header must be complete this long after the connection opens (or, on a kept-alive
  /// connection, after its first byte).
  std::chrono::milliseconds header_timeout{10'000};
  /// A kept-alive connection may wait this long for its next request.
  std::chrono::milliseconds idle_timeout{5'000};
  /// Connections held at once; past it the one nearest its deadline is closed.
  std::size_t max_held = 8192;
};

/// Accepts connections and holds each one, on a single thread (epoll), until a whole request header
/// has arrived: new connections, and kept-alive ones between requests. Only then is it handed on
/// (to `ready`) to be served on a server thread, so a slow, silent or idle client costs a file
/// descriptor, not a thread (FreeBSD's accf_http idea). The header is peeked, not read: the server
/// thread reads it as usual. A connection whose header is not complete by the header deadline, or
/// that stays idle past the idle limit, is closed.
class ConnectionGate {
 public:
  using Clock = std::chrono::steady_clock;
  /// Takes a connection whose request header has arrived; called on the gate's thread, so it must
  /// not block.
  using Ready = std::function<void(Poco::Net::StreamSocket&)>;

  ConnectionGate(Poco::Net::ServerSocket listener, GateLimits limits, Ready ready);
  ~ConnectionGate();
  ConnectionGate(const ConnectionGate&) = delete;
  ConnectionGate& operator=(const ConnectionGate&) = delete;

  /// Starts accepting. Throws std::runtime_error when epoll cannot be set up.
  void start();
  /// Stops accepting and closes the connections held. Idempotent.
  void stop();
  /// Takes back a kept-alive connection after its answer (from any thread).
  void hold_idle(const Poco::Net::StreamSocket& socket);
  /// Connections held now.
  std::size_t held() const { return held_count_.load(); }

 private:
  struct Held {
    Poco::Net::StreamSocket socket;
    Clock::time_point deadline;
    bool idle = false;  ///< kept alive, no byte of the next request yet
  };

  void loop();
  void accept_new();
  void take_idle();
  void hold(Poco::Net::StreamSocket socket, bool idle);
  void check(int fd);
  void hand_off(int fd);
  void drop(int fd);
  void drop_overdue();
  bool drop_nearest_deadline();
  void pause_accepting();
  void resume_accepting_when_due();
  void watch_listener(bool on);

  Poco::Net::ServerSocket listener_;
  GateLimits limits_;
  Ready ready_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::mutex idle_mutex_;
  std::vector<Poco::Net::StreamSocket> idle_;  ///< handed back, not yet held
  std::unordered_map<int, Held> held_;         ///< by file descriptor; the gate's thread only
  std::atomic<std::size_t> held_count_{0};
  std::vector<char> peeked_;
  std::optional<Clock::time_point> accepting_paused_until_;
  std::thread thread_;
};

}  // namespace warden::host::http
