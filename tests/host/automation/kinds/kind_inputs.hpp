#pragma once
// What the action engine hands an action kind, made by hand for the kinds' tests.

#include "host/alerts/alert_json.hpp"
#include "host/automation/action_kind.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <map>
#include <string>
#include <vector>

namespace warden::host::test_kinds {

inline Poco::JSON::Object::Ptr object(const std::string& text) {
  return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

/// An action record of `kind` whose spec holds `params` (JSON), as the engine stores it.
inline ActionRecord action_of(const std::string& kind, const std::string& params,
                              const std::string& signal = "abnormal",
                              std::int64_t timeout_s = 600) {
  ActionRecord a;
  a.id = "ac_test_" + kind;
  a.policy = "disk";
  a.alert_id = "al_test";
  a.kind = kind;
  a.signal = signal;
  a.spec = new Poco::JSON::Object;
  a.spec->set("kind", kind);
  a.spec->set("params", object(params));
  a.spec->set("timeout", timeout_s);
  return a;
}

inline Alert disk_alert(const std::string& host = "db-1") {
  Alert a;
  a.title = "Disk full on " + host;
  a.subject = host + " /data";
  a.source = "prometheus";
  a.status = "firing";
  a.severity = "critical";
  a.message = "98% used";
  a.labels = {{"env", "production"}, {"team", "storage"}, {"host", host}};
  return a;
}

/// The template data of `alerts` for `action`, as the engine makes it.
inline Poco::JSON::Object::Ptr data_of(const ActionRecord& action, const std::vector<Alert>& alerts,
                                       std::int64_t repeat = 1) {
  auto data = alerts.front().template_data();
  data->set("signal", action.signal);
  data->set("policy", action.policy);
  data->set("action_id", action.id);
  data->set("alert_id", action.alert_id);
  data->set("repeat", repeat);
  if (alerts.size() > 1) {
    Poco::JSON::Array::Ptr all = new Poco::JSON::Array;
    for (const auto& a : alerts) all->add(a.template_data());
    data->set("alerts", all);
  }
  data->set("alert_count", static_cast<std::int64_t>(alerts.size()));
  return data;
}

/// The errors `kind` finds in `params` (place "actions[0]").
inline std::map<std::string, std::string> check(const ActionKind& kind, const std::string& params) {
  std::map<std::string, std::string> errors;
  kind.check(*object(params), sample_alert("policy"), "actions[0]", errors);
  return errors;
}

inline std::string listed(const std::map<std::string, std::string>& errors) {
  std::string out;
  for (const auto& [place, problem] : errors) out += place + ": " + problem + "\n";
  return out;
}

}  // namespace warden::host::test_kinds
