#pragma once

#include "host/http/router.hpp"

namespace warden::host::http {

/// GET /healthz (no token): `{"status": "ok"}` while the server answers.
void add_health_routes(Router& router);

}  // namespace warden::host::http
