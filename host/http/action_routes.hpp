#pragma once

#include "host/http/router.hpp"

namespace warden::host {
class AutomationApi;
}

namespace warden::host::http {

/// GET /api/actions[/{id}], POST /api/actions/{id}/retry|skip|approve|reject (body optional:
/// {"by", "reason"}), POST /api/circuit_breaking/replay (optional {"rule"}): the blocked actions
/// run again.
void add_action_routes(Router& router, AutomationApi& automation);

}  // namespace warden::host::http
