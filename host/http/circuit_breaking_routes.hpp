#pragma once

#include "host/http/router.hpp"

namespace warden::host {
class CircuitBreaker;
}

namespace warden::host::http {

/// `GET|PUT|DELETE /api/circuit_breaking`: list, replace and clear (all, or one module's) the
/// circuit-breaking rules; `POST /api/circuit_breaking/rules` adds one and
/// `DELETE /api/circuit_breaking/rules/{id}` removes one. Shapes: the comment atop the .cpp.
void add_circuit_breaking_routes(Router& router, CircuitBreaker& breaker);

}  // namespace warden::host::http
