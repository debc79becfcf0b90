#pragma once

#include "host/http/console_assets.hpp"
#include "host/http/router.hpp"

namespace warden::host::http {

/// What every console file is served with: a strict Content-Security-Policy (scripts and styles
/// only from this origin, no inline script, style attribute, eval or framing), no sniffing, no
/// referrer.
extern const char* const kConsoleSecurityPolicy;

/// Serves the console at `/` and the files under it (GET only; no token: the files hold nothing
/// secret, the API they call does).
void add_console_routes(Router& router, ConsoleAssets assets);

}  // namespace warden::host::http
