#pragma once

#include "host/http/router.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace Poco {
class ThreadPool;
namespace Net {
class HTTPServer;
}
}  // namespace Poco

namespace warden::host::http {

struct ServerContext;
class RequestMetrics;

struct HttpServerOptions {
  std::string listen = "127.0.0.1:8080";  ///< "host:port" or "[v6]:port"; port 0 picks a free one
  int threads = 8;                        ///< requests served at once
  int max_queued = 64;                    ///< accepted connections waiting for a thread
  std::size_t max_body_bytes = 1024 * 1024;
  bool keep_alive = true;
  /// How long a read or write on a connection may stall before it is dropped.
  std::chrono::milliseconds io_timeout{30'000};
  /// How long an idle keep-alive connection is kept.
  std::chrono::milliseconds keep_alive_timeout{15'000};
  /// Counts every answer for GET /metrics; may be null.
  std::shared_ptr<RequestMetrics> metrics;
  /// Every `/api/` request must carry it (SPEC §5); empty refuses them all.
  std::string token;
};

/// The HTTP API server (Poco::Net::HTTPServer): token check on `/api/`, bounded bodies, JSON
/// errors, one debug log line per request. Routes are fixed at construction.
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

  bool running() const { return server_ != nullptr; }
  /// The bound port (the one picked when the options asked for 0); 0 when not running.
  std::uint16_t port() const { return port_; }

 private:
  HttpServerOptions options_;
  std::shared_ptr<const ServerContext> context_;
  std::unique_ptr<Poco::ThreadPool> pool_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  std::uint16_t port_ = 0;
};

}  // namespace warden::host::http
