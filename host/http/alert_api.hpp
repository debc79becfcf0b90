#pragma once

#include "host/http/router.hpp"

namespace warden::host {
class AlertService;
class AutomationService;
class Database;
}  // namespace warden::host

namespace warden::host::http {

/// Every alert route: channels, alerts (and Alertmanager), alert records, notifications, circuit
/// breaking, policies, saved solutions and actions. Each service must outlive the server.
void add_alert_api(Router& router, AlertService& alerts, AutomationService& automation,
                   Database& database);

}  // namespace warden::host::http
