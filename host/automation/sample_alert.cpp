#include "host/automation/sample_alert.hpp"

#include <Poco/JSON/Array.h>

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

Poco::JSON::Object::Ptr sample_action_data() {
  const auto alert = sample_alert();
  auto data = alert.template_data();
  Poco::JSON::Array::Ptr alerts = new Poco::JSON::Array;
  alerts->add(alert.template_data());
  data->set("signal", "abnormal");
  data->set("policy", "sample-policy");
  data->set("action_id", "ac_sample");
  data->set("alert_id", "al_sample");
  data->set("repeat", 1);
  data->set("alerts", alerts);  // as an aggregated notice has them
  data->set("alert_count", 1);
  return data;
}

}  // namespace warden::host
