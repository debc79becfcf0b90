#pragma once

#include "host/http/router.hpp"

namespace warden::host {
class CircuitBreaker;
}

namespace warden::host::http {

/// `GET|PUT|DELETE /api/circuit_breaking`: list, replace and clear the circuit-breaking rules.
void add_circuit_breaking_routes(Router& router, CircuitBreaker& breaker);

}  // namespace warden::host::http
