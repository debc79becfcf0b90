#pragma once

#include "host/http/router.hpp"
#include "host/plugins/plugin_registry.hpp"
#include "host/services/host_services_impl.hpp"

namespace warden::host::http {

/// GET /api/plugins, GET /api/plugins/{key}, POST /api/plugins/reload (SPEC §5). `registry` must
/// outlive the server the router is given to. `services` are lent to the plugin objects that give
/// a form's run-time options.
void add_plugin_routes(Router& router, PluginRegistry& registry, SharedServices services);

}  // namespace warden::host::http
