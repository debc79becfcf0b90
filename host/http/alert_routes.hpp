#pragma once

#include "host/http/router.hpp"

namespace warden::host {
class AutomationApi;
class NoticePipeline;
}  // namespace warden::host

namespace warden::host::http {

/// `POST /api/alerts` (one alert, SPEC §6) and `POST /api/alerts/alertmanager` (Prometheus
/// Alertmanager's webhook, version 4). Every alert meets its alert record and the policies
/// (`automation`); it also goes to the channel instances it names, and, when it names none and no
/// policy matches it, to every enabled one (the default route, as before policies existed).
/// Both must outlive the server.
void add_alert_routes(Router& router, NoticePipeline& pipeline, AutomationApi& automation);

}  // namespace warden::host::http
