#pragma once

#include "host/http/router.hpp"

namespace warden::host {
class NoticePipeline;
}

namespace warden::host::http {

/// `POST /api/alerts` (one alert, SPEC §6, to named channel instances or every enabled one) and
/// `POST /api/alerts/alertmanager` (Prometheus Alertmanager's webhook, version 4). `pipeline`
/// must outlive the server.
void add_alert_routes(Router& router, NoticePipeline& pipeline);

}  // namespace warden::host::http
