#pragma once

#include <Poco/Net/HTTPClientSession.h>

#include <chrono>
#include <compare>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace warden::host {

/// Idle keep-alive connections of the HTTP client, by scheme, host and port, so that a channel
/// posting alerts to one webhook does not open (and the webhook accept) a connection per request.
/// A connection is kept only after a whole answer was read from a server that keeps it open, at
/// most kMaxIdlePerServer per server and for kMaxIdle. Thread-safe; a taken session is the
/// taker's alone.
class HttpSessionPool {
 public:
  struct Key {
    bool https = false;
    std::string host;
    unsigned port = 0;
    auto operator<=>(const Key&) const = default;
  };
  static constexpr std::size_t kMaxIdlePerServer = 32;
  static constexpr std::chrono::seconds kMaxIdle{4};  ///< servers commonly close after 5 s or more

  /// An idle connection to `key`'s server, or nullptr.
  std::unique_ptr<Poco::Net::HTTPClientSession> take(const Key& key);
  /// Keeps `session` for the next request to `key`'s server.
  void put(const Key& key, std::unique_ptr<Poco::Net::HTTPClientSession> session);

 private:
  using Clock = std::chrono::steady_clock;
  struct Idle {
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    Clock::time_point since;
  };
  std::mutex mutex_;
  std::map<Key, std::vector<Idle>> idle_;
};

}  // namespace warden::host
