#include "host/http/alert_api.hpp"

#include "host/alerts/alert_service.hpp"
#include "host/automation/automation_service.hpp"
#include "host/http/action_routes.hpp"
#include "host/http/alert_record_routes.hpp"
#include "host/http/alert_routes.hpp"
#include "host/http/channel_routes.hpp"
#include "host/http/circuit_breaking_routes.hpp"
#include "host/http/notification_routes.hpp"
#include "host/http/policy_routes.hpp"
#include "host/http/solution_routes.hpp"

namespace warden::host::http {

void add_alert_api(Router& router, AlertService& alerts, AutomationService& automation,
                   Database& database) {
  add_channel_routes(router, alerts.channels(), alerts.pipeline());
  add_alert_routes(router, alerts.pipeline(), automation.engine());
  add_alert_record_routes(router, automation.engine(), database);
  add_policy_routes(router, automation.policies());
  add_solution_routes(router, automation.solutions());
  add_action_routes(router, automation.engine());
  add_notification_routes(router, alerts.notices(), alerts.pipeline());
  add_circuit_breaking_routes(router, alerts.breaker());
}

}  // namespace warden::host::http
