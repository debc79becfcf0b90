#pragma once

#include "host/http/router.hpp"

namespace warden::host {
class AutomationApi;
class Database;
}  // namespace warden::host

namespace warden::host::http {

/// `GET /api/alerts` (the alert records, filtered and paged, newest first), `GET /api/alerts/{id}`
/// (one record with the actions it caused) and `POST /api/alerts/{id}/close`. `api` and `database`
/// must outlive the server.
void add_alert_record_routes(Router& router, AutomationApi& api, Database& database);

}  // namespace warden::host::http
