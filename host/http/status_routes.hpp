#pragma once

#include "host/http/router.hpp"
#include "host/plugins/plugin_registry.hpp"

#include <cstdint>
#include <functional>
#include <string>

namespace warden::host::http {

/// What GET /api/status says of this host besides its plugins.
struct HostStatus {
  std::int64_t started_ms = 0;
  std::string database;  ///< "sqlite" or "postgresql"
  std::string host_id;
  std::function<bool()> coordinating;  ///< this host holds the work lease
};

/// GET /api/status: `version`, `sdk`, `started_at`, `uptime_seconds`, `database`, `host_id`,
/// `role` (coordinator or member) and `plugins` (`loaded`, `failed`): the console's status page.
void add_status_routes(Router& router, const PluginRegistry& registry, HostStatus status);

}  // namespace warden::host::http
