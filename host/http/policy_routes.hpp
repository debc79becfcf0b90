#pragma once

#include "host/http/router.hpp"

namespace warden::host {
class PolicyBook;
}

namespace warden::host::http {

/// `GET /api/policies` (in matching order), `PUT|GET|DELETE /api/policies/{name}`. The book must
/// outlive the server.
void add_policy_routes(Router& router, PolicyBook& policies);

}  // namespace warden::host::http
