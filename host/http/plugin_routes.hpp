#pragma once

#include "host/http/router.hpp"
#include "host/plugins/plugin_registry.hpp"

namespace warden::host::http {

/// GET /api/plugins, GET /api/plugins/{key}, POST /api/plugins/reload (SPEC §5). `registry` must
/// outlive the server the router is given to.
void add_plugin_routes(Router& router, PluginRegistry& registry);

}  // namespace warden::host::http
