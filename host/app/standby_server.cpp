#include "host/app/standby_server.hpp"

#include "host/http/forward.hpp"
#include "host/http/health_routes.hpp"
#include "host/http/host_routes.hpp"

namespace warden::host {

namespace {

/// The address of the host that holds the work lease and serves, or "".
std::string holder_address(HostTable& hosts) {
  const auto lease = hosts.work_lease();
  if (lease.holder.empty() || lease.expires_ms <= lease.now_ms) return {};
  for (const auto& h : hosts.list())
    if (h.host_id == lease.holder) return h.address;
  return {};
}

http::Router standby_routes(HostTable& hosts, const std::string& self_id, std::int64_t ttl_ms,
                            std::chrono::milliseconds timeout) {
  http::Router router;
  http::add_health_routes(router);
  http::add_host_routes(router, hosts, self_id, ttl_ms);
  router.add("GET", "/metrics", [](const http::Request&) {
    return http::Response::text(
        "# HELP warden_host_standby 1 while this host waits for the work lease\n"
        "# TYPE warden_host_standby gauge\nwarden_host_standby 1\n",
        "text/plain; version=0.0.4");
  });
  router.otherwise([&hosts, timeout](const http::Request& request) {
    const auto address = holder_address(hosts);
    if (address.empty()) {
      auto none = http::Response::error(
          503, "this host is a standby and no host holds the work lease yet; try again");
      none.headers.emplace_back("Retry-After", "1");
      return none;
    }
    return http::forward(request, address, timeout);
  });
  return router;
}

}  // namespace

StandbyServer::StandbyServer(http::HttpServerOptions options, HostTable& hosts, std::string self_id,
                             std::int64_t ttl_ms) {
  const auto timeout = options.body_timeout + options.header_timeout;
  server_ = std::make_unique<http::HttpServer>(std::move(options),
                                               standby_routes(hosts, self_id, ttl_ms, timeout));
}

StandbyServer::~StandbyServer() {
  stop();
}

std::uint16_t StandbyServer::start() {
  server_->start();
  return server_->port();
}

void StandbyServer::stop() noexcept {
  if (server_) server_->stop();
}

}  // namespace warden::host
