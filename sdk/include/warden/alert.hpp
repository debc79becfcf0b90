#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace warden {

/// What flows from a source to the alert channels, and what a message template sees (SPEC §6).
/// Times are ISO 8601 with an offset; `duration` is human-readable ("3m 20s").
struct Alert {
  std::string type = "external";  ///< job_state, checkpoint, cluster, task, external
  std::string subject;
  std::string title;
  std::string source;  ///< job or task name
  std::string id;
  std::string status;
  std::string severity = "warning";
  std::string start_time;
  std::string end_time;
  std::string duration;
  std::string link;
  bool restart = false;
  std::int64_t restart_index = 0;
  std::int64_t total_restart = 0;
  std::int64_t cp_failure_rate_interval = 0;
  std::int64_t cp_max_failure_interval = 0;
  std::string message;
  std::map<std::string, std::string>
      labels;  ///< dimensions for de-duplication and circuit breaking
  bool at_all = false;
  std::vector<std::string> at_mobiles;
  std::string dedupe_key;  ///< empty: source + type + status

  std::string effective_dedupe_key() const {
    return dedupe_key.empty() ? source + "|" + type + "|" + status : dedupe_key;
  }

  /// The alert as a template sees it: every field above by name, labels as an object.
  Poco::JSON::Object::Ptr to_json() const {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("type", type);
    o->set("subject", subject);
    o->set("title", title);
    o->set("source", source);
    o->set("id", id);
    o->set("status", status);
    o->set("severity", severity);
    o->set("start_time", start_time);
    o->set("end_time", end_time);
    o->set("duration", duration);
    o->set("link", link);
    o->set("restart", restart);
    o->set("restart_index", restart_index);
    o->set("total_restart", total_restart);
    o->set("cp_failure_rate_interval", cp_failure_rate_interval);
    o->set("cp_max_failure_interval", cp_max_failure_interval);
    o->set("message", message);
    Poco::JSON::Object::Ptr l = new Poco::JSON::Object;
    for (const auto& [k, v] : labels) l->set(k, v);
    o->set("labels", l);
    o->set("at_all", at_all);
    Poco::JSON::Array::Ptr mobiles = new Poco::JSON::Array;
    for (const auto& m : at_mobiles) mobiles->add(m);
    o->set("at_mobiles", mobiles);
    o->set("dedupe_key", effective_dedupe_key());
    return o;
  }

  /// What every message template is rendered with (every bundled channel's, and the host's sample
  /// render when a template is saved): `to_json()` minus empty texts, zero checkpoint figures and
  /// empty labels (Mustache treats "" as true, so `{{#end_time}}…{{/end_time}}` would print for a
  /// missing value), plus `label_list`, every label as `{key, value}` in key order, since Mustache
  /// cannot list an object's keys, and `has_labels`, true when there is one (a section for a
  /// heading above the list).
  Poco::JSON::Object::Ptr template_data() const {
    Poco::JSON::Object::Ptr data = to_json();
    std::vector<std::string> empty;
    for (const auto& [name, value] : *data)
      if (value.isString() && value.extract<std::string>().empty()) empty.push_back(name);
    for (const auto& name : empty) data->remove(name);
    if (cp_failure_rate_interval == 0) data->remove("cp_failure_rate_interval");
    if (cp_max_failure_interval == 0) data->remove("cp_max_failure_interval");
    data->set("has_labels", !labels.empty());
    if (labels.empty()) {
      data->remove("labels");
      return data;
    }
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& [key, value] : labels) {
      Poco::JSON::Object::Ptr label = new Poco::JSON::Object;
      label->set("key", key);
      label->set("value", value);
      list->add(label);
    }
    data->set("label_list", list);
    return data;
  }
};

}  // namespace warden
