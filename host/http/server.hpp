#pragma once

#include "host/http/router.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace warden::host::http {

struct ServerContext;
class RequestMetrics;
class ConnectionWatchdog;

struct HttpServerOptions {
  std::string listen = "127.0.0.1:8080";  ///< "host:port" or "[v6]:port"; port 0 picks a free one
  int threads = 8;                        ///< requests served at once
  int max_queued = 64;  ///< whole requests waiting for a thread; past it, 503 at once
  std::size_t max_body_bytes = 1024 * 1024;
  bool keep_alive = true;
  /// How long one read or write on a connection may stall before it is dropped.
  std::chrono::milliseconds io_timeout{30'000};
  /// A request header must be whole this long after the connection opens (or, on a kept-alive
  /// connection, after the first byte of the next request), however slowly it trickles in.
  std::chrono::milliseconds header_timeout{10'000};
  /// Reading a request body must be done in this long; so must sending the answer.
  std::chrono::milliseconds body_timeout{30'000};
  /// How long a kept-alive connection may wait for its next request.
  std::chrono::milliseconds idle_timeout{15'000};
  /// Counts every answer for GET /metrics; may be null.
  std::shared_ptr<RequestMetrics> metrics;
  /// Every `/api/` request must carry it (SPEC §5); empty refuses them all.
  std::string token;
  /// Whether a console session cookie's value is a live session; null: cookies sign nothing in.
  std::function<bool(std::string_view)> session_valid;
};

/// The HTTP API server: token check on `/api/`, bounded bodies, strict framing, JSON errors, one
/// debug log line per request. Routes are fixed at construction.
///
/// Built from Poco's parts: a ConnectionGate accepts and holds every connection until its request
/// header has arrived, so slow, silent and idle clients hold no thread; Poco's TCPServerDispatcher
/// runs whole requests on `threads` threads (ServedConnection), each phase under the
/// ConnectionWatchdog's deadline; when `max_queued` requests already wait, the gate answers 503.
class HttpServer {
 public:
  HttpServer(HttpServerOptions options, Router router);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Binds the listen address and starts serving. Throws std::runtime_error when the address is
  /// malformed or cannot be bound, std::logic_error when already running.
  void start();
  /// Stops accepting, lets requests in progress finish, closes idle connections and waits for the
  /// server's threads. Idempotent.
  void stop() noexcept;

  bool running() const { return running_ != nullptr; }
  /// The bound port (the one picked when the options asked for 0); 0 when not running.
  std::uint16_t port() const { return port_; }

 private:
  struct Running;

  HttpServerOptions options_;
  std::shared_ptr<ConnectionWatchdog> watchdog_;
  std::shared_ptr<const ServerContext> context_;
  std::unique_ptr<Running> running_;
  std::uint16_t port_ = 0;
};

}  // namespace warden::host::http
