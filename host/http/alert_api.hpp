#pragma once

#include "host/http/router.hpp"

namespace warden::host {
class AlertService;
}

namespace warden::host::http {

/// Every alert route: channels, alerts (and Alertmanager), notifications, circuit breaking.
/// `alerts` must outlive the server.
void add_alert_api(Router& router, AlertService& alerts);

}  // namespace warden::host::http
