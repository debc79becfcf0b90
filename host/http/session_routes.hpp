#pragma once

#include "host/http/api_token.hpp"
#include "host/http/router.hpp"
#include "host/runtime/clock.hpp"
#include "host/store/session_store.hpp"

#include <chrono>

namespace warden::host::http {

/// The console's sign-in: `POST /api/session {"token"}` exchanges the API token for a session
/// cookie lasting `ttl` (401 for another token; the request needs `X-Warden-Console: 1` like every
/// cookie request, and no Authorization); `GET /api/session` says until when the caller's session
/// lasts; `DELETE /api/session` ends it and clears the cookie.
void add_session_routes(Router& router, SessionStore& sessions, const ApiToken& token,
                        std::chrono::seconds ttl, const Clock& clock = system_clock());

}  // namespace warden::host::http
