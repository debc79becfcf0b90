#include "host/http/alert_api.hpp"

#include "host/alerts/alert_service.hpp"
#include "host/http/alert_routes.hpp"
#include "host/http/channel_routes.hpp"
#include "host/http/circuit_breaking_routes.hpp"
#include "host/http/notification_routes.hpp"

namespace warden::host::http {

void add_alert_api(Router& router, AlertService& alerts) {
  add_channel_routes(router, alerts.channels(), alerts.pipeline());
  add_alert_routes(router, alerts.pipeline());
  add_notification_routes(router, alerts.notices(), alerts.pipeline());
  add_circuit_breaking_routes(router, alerts.breaker());
}

}  // namespace warden::host::http
