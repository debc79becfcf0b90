#include "host/automation/sample_alert.hpp"

#include "host/automation/action_data.hpp"

namespace warden::host {

Alert sample_alert() {
  Alert a;
  a.type = "external";
  a.subject = "disk /data on db-1";
  a.title = "Disk almost full";
  a.source = "prometheus";
  a.id = "sample-fingerprint";
  a.status = "firing";
  a.severity = "critical";
  a.start_time = "2026-01-01T00:00:00.000+00:00";
  a.end_time = "2026-01-01T00:03:20.000+00:00";
  a.duration = "3m 20s";
  a.link = "http://127.0.0.1/alerts/sample";
  a.restart = true;
  a.restart_index = 1;
  a.total_restart = 3;
  a.cp_failure_rate_interval = 60;
  a.cp_max_failure_interval = 300;
  a.message = "Disk /data on db-1 is 95% full.";
  a.labels = {{"env", "production"},
              {"cluster", "eu-1"},
              {"host", "db-1"},
              {"team", "storage"},
              {"alertname", "DiskFull"}};
  a.at_all = true;
  a.at_mobiles = {"+10000000000"};
  a.dedupe_key = "sample-dedupe-key";
  return a;
}

Poco::JSON::Object::Ptr sample_action_data(const Alert& sample) {
  return action_data({sample}, {.signal = "abnormal",
                                .policy = "sample-policy",
                                .action_id = "ac_sample",
                                .alert_id = "al_sample"});
}

}  // namespace warden::host
