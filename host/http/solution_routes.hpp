#pragma once

#include "host/http/router.hpp"

namespace warden::host {
class SavedSolutions;
}

namespace warden::host::http {

/// Saved solutions (a solution plugin plus its condition, by name): `GET /api/solutions`,
/// `PUT|GET|DELETE /api/solutions/{name}`. Not the loaded solution plugins (`/api/plugins`).
/// `solutions` must outlive the server.
void add_solution_routes(Router& router, SavedSolutions& solutions);

}  // namespace warden::host::http
