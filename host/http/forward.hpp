#pragma once

#include "host/http/request.hpp"
#include "host/http/response.hpp"

#include <chrono>
#include <string>

namespace warden::host::http {

/// Sends `request` on to the Warden serving at `address` ("host:port") and answers what it
/// answered (status, content type, body, Retry-After and Allow): how a standby answers the calls
/// only the lease holder can. The target goes as it was sent (the path still percent-encoded,
/// which the plugins' HttpClient, through a URI type, would not keep); the token travels in the
/// request's own Authorization header; connection headers are the session's own. A holder that
/// does not answer within `timeout` is a 503 with Retry-After: 1.
Response forward(const Request& request, const std::string& address,
                 std::chrono::milliseconds timeout);

}  // namespace warden::host::http
