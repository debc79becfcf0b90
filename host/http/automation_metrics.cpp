#include "host/http/automation_metrics.hpp"

#include "host/automation/action_engine.hpp"

#include <sstream>

namespace warden::host::http {

std::string automation_metrics_text(const ActionEngine& engine) {
  const auto c = engine.counts();
  std::ostringstream out;
  out << "# HELP warden_alerts_in_total Alerts that met their alert record since start.\n"
      << "# TYPE warden_alerts_in_total counter\n"
      << "warden_alerts_in_total " << c.alerts << "\n"
      << "# HELP warden_alert_records_open Alert records not closed.\n"
      << "# TYPE warden_alert_records_open gauge\n"
      << "warden_alert_records_open " << c.open_alerts << "\n"
      << "# HELP warden_actions_total Actions policies made since start, and how many were "
         "blocked by circuit breaking or had to wait for approval.\n"
      << "# TYPE warden_actions_total counter\n"
      << "warden_actions_total{event=\"created\"} " << c.actions << "\n"
      << "warden_actions_total{event=\"blocked\"} " << c.blocked << "\n"
      << "warden_actions_total{event=\"waiting_approval\"} " << c.approvals << "\n"
      << "# HELP warden_actions_unfinished Actions in memory: not ended (or not yet stored).\n"
      << "# TYPE warden_actions_unfinished gauge\n"
      << "warden_actions_unfinished " << c.live_actions << "\n"
      << "# HELP warden_automation_commits_total Transactions the automation journal committed.\n"
      << "# TYPE warden_automation_commits_total counter\n"
      << "warden_automation_commits_total " << c.commits << "\n"
      << "# HELP warden_automation_rows_written_total Alert record and action rows written.\n"
      << "# TYPE warden_automation_rows_written_total counter\n"
      << "warden_automation_rows_written_total " << c.rows << "\n";
  return out.str();
}

}  // namespace warden::host::http
