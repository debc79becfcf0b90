#include "host/alerts/alert_json.hpp"

namespace warden::host {

Alert sample_alert(const std::string& channel_name) {
  Alert a;
  a.type = "external";
  a.subject = "Warden test alert";
  a.title = "Test alert for channel " + channel_name;
  a.source = "warden";
  a.id = "test";
  a.status = "firing";
  a.severity = "info";
  a.start_time = "2026-01-01T00:00:00.000+00:00";
  a.end_time = "2026-01-01T00:03:20.000+00:00";
  a.duration = "3m 20s";
  a.link = "http://127.0.0.1/";
  a.restart = true;
  a.restart_index = 1;
  a.total_restart = 3;
  a.cp_failure_rate_interval = 60;
  a.cp_max_failure_interval = 300;
  a.message = "This is a test message sent by Warden to check channel " + channel_name + ".";
  a.labels = {{"strategy_id", "0"}, {"bk_biz_id", "0"}};
  return a;
}

}  // namespace warden::host
