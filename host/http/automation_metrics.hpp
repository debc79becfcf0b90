#pragma once

#include <string>

namespace warden::host {
class ActionEngine;
}

namespace warden::host::http {

/// The engine's Prometheus lines: `warden_alerts_in_total`, `warden_alert_records_open`,
/// `warden_actions_total{event}` (created, blocked, waiting_approval), `warden_actions_unfinished`,
/// `warden_automation_commits_total`, `warden_automation_rows_written_total`.
std::string automation_metrics_text(const ActionEngine& engine);

}  // namespace warden::host::http
