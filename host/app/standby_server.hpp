#pragma once

#include "host/http/server.hpp"
#include "host/store/host_table.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace warden::host {

/// What a standby serves while it waits for the work lease, so any host answers any call:
/// `/healthz`, `GET /api/hosts` and a `/metrics` of its own, and every other request forwarded to
/// the lease holder's address (from the hosts table) with its own token. Stopped when the lease is
/// taken; the full server then starts.
class StandbyServer {
 public:
  StandbyServer(http::HttpServerOptions options, HostTable& hosts, std::string self_id,
                std::int64_t ttl_ms);
  ~StandbyServer();
  /// Binds and serves; returns the bound port.
  std::uint16_t start();
  void stop() noexcept;

 private:
  std::unique_ptr<http::HttpServer> server_;
};

}  // namespace warden::host
