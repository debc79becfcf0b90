#pragma once

#include "host/http/request.hpp"
#include "host/http/response.hpp"

#include <chrono>
#include <string>

namespace warden::host::http {

/// Sends `request` on to the Warden serving at `address` ("host:port") and answers what it
/// answered (status, content type, body, Retry-After and Allow): how a host answers the calls
/// another host serves (the coordinator's, or a task's owner's). The target goes as it was sent
/// (the path still percent-encoded, which the plugins' HttpClient, through a URI type, would not
/// keep); the token travels in the request's own Authorization header; connection headers are the
/// session's own. A holder that does not answer within `timeout` is a 503 with Retry-After: 1. Set
/// on every forwarded request: its receiver answers it itself, never forwards it again.
inline constexpr const char* kForwardedHeader = "X-Warden-Forwarded";

Response forward(const Request& request, const std::string& address,
                 std::chrono::milliseconds timeout);

}  // namespace warden::host::http
