#include "host/http/status_routes.hpp"

#include "host/runtime/clock.hpp"
#include "host/runtime/iso_time.hpp"

#include <warden/version.hpp>

namespace warden::host::http {

void add_status_routes(Router& router, const PluginRegistry& registry, HostStatus status) {
  router.add("GET", "/api/status", [&registry, status](const Request&) {
    int loaded = 0, failed = 0;
    for (const auto& record : registry.list()) ++(record->loaded() ? loaded : failed);
    auto plugins = object();
    plugins->set("loaded", loaded);
    plugins->set("failed", failed);
    auto data = object();
    data->set("version", WARDEN_VERSION);
    data->set("sdk", WARDEN_SDK_MAJOR);
    data->set("started_at", iso8601(status.started_ms));
    data->set("uptime_seconds", (system_clock().now_ms() - status.started_ms) / 1000);
    data->set("database", status.database);
    data->set("host_id", status.host_id);
    data->set("role", status.coordinating && status.coordinating() ? "coordinator" : "member");
    data->set("plugins", plugins);
    auto body = object();
    body->set("result", "ok");
    body->set("data", data);
    return Response::json(body);
  });
}

}  // namespace warden::host::http
