#include "host/automation/alert_record.hpp"

#include "host/alerts/alert_json.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>
#include <utility>

namespace warden::host {
namespace {

constexpr std::array<std::pair<Signal, std::string_view>, 4> kSignalNames{{
    {Signal::abnormal, "abnormal"},
    {Signal::recovered, "recovered"},
    {Signal::no_data, "no_data"},
    {Signal::closed, "closed"},
}};

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string text_at(const Poco::JSON::Object& json, const std::string& name) {
  return json.has(name) && !json.isNull(name) ? json.getValue<std::string>(name) : std::string();
}

std::int64_t number_at(const Poco::JSON::Object& json, const std::string& name) {
  return json.has(name) && !json.isNull(name) ? json.getValue<std::int64_t>(name) : 0;
}

}  // namespace

std::string_view to_string(Signal signal) {
  for (const auto& [s, name] : kSignalNames)
    if (s == signal) return name;
  return "abnormal";
}

std::optional<Signal> signal_from_string(std::string_view text) {
  for (const auto& [s, name] : kSignalNames)
    if (name == text) return s;
  return std::nullopt;
}

Signal signal_of_status(std::string_view status) {
  const auto s = lower(status);
  if (s == "resolved" || s == "recovered" || s == "ok" || s == "normal") return Signal::recovered;
  if (s == "no_data" || s == "nodata") return Signal::no_data;
  return Signal::abnormal;
}

std::string fingerprint_of(const Alert& alert) {
  if (!alert.id.empty()) return alert.id;
  if (!alert.dedupe_key.empty()) return alert.dedupe_key;
  return alert.source + "|" + alert.type + "|" + alert.subject;
}

Observation observe(const std::optional<AlertRecord>& current, const Alert& alert,
                    const std::string& origin, std::int64_t now_ms, const std::string& new_id) {
  const Signal signal = signal_of_status(alert.status);
  const std::string state(to_string(signal));
  Observation out;
  if (!current || !current->open()) {
    AlertRecord& r = out.record;
    r.id = new_id;
    r.fingerprint = fingerprint_of(alert);
    r.state = state;
    r.alert = alert;
    r.count = 1;
    r.first_ms = r.last_ms = now_ms;
    // A record that starts recovered (its firing alert never came in) still closes itself later.
    if (signal == Signal::recovered) r.recovered_ms = now_ms;
    r.origin = origin;
    out.fired = signal;
    out.created = true;
    return out;
  }
  out.record = *current;
  AlertRecord& r = out.record;
  r.alert = alert;
  r.count += 1;
  r.last_ms = now_ms;
  if (r.state == state) return out;
  r.state = state;
  // recovered_ms says since when the record has been recovered; in any other state it is not.
  r.recovered_ms = signal == Signal::recovered ? now_ms : 0;
  out.fired = signal;
  return out;
}

Observation close(const AlertRecord& record, std::int64_t now_ms, const std::string& by,
                  const std::string& reason) {
  Observation out;
  out.record = record;
  out.record.state = std::string(to_string(Signal::closed));
  out.record.closed_ms = now_ms;
  out.record.closed_by = by;
  out.record.close_reason = reason;
  out.fired = Signal::closed;
  return out;
}

Poco::JSON::Object::Ptr alert_record_to_json(const AlertRecord& record) {
  Poco::JSON::Object::Ptr json = new Poco::JSON::Object;
  json->set("id", record.id);
  json->set("fingerprint", record.fingerprint);
  json->set("state", record.state);
  json->set("alert", alert_to_json(record.alert));
  json->set("count", record.count);
  json->set("first_ms", record.first_ms);
  json->set("last_ms", record.last_ms);
  json->set("recovered_ms", record.recovered_ms);
  json->set("closed_ms", record.closed_ms);
  json->set("closed_by", record.closed_by);
  json->set("close_reason", record.close_reason);
  json->set("origin", record.origin);
  return json;
}

AlertRecord alert_record_from_json(const Poco::JSON::Object& json) {
  AlertRecord record;
  record.id = text_at(json, "id");
  record.fingerprint = text_at(json, "fingerprint");
  record.state = text_at(json, "state");
  if (!signal_from_string(record.state))
    throw std::invalid_argument("alert record \"" + record.id + "\" has no known state: \"" +
                                record.state + "\"");
  if (const auto alert = json.getObject("alert"))
    record.alert = stored_alert_from_json(*alert, "alert_record.alert");
  record.count = number_at(json, "count");
  record.first_ms = number_at(json, "first_ms");
  record.last_ms = number_at(json, "last_ms");
  record.recovered_ms = number_at(json, "recovered_ms");
  record.closed_ms = number_at(json, "closed_ms");
  record.closed_by = text_at(json, "closed_by");
  record.close_reason = text_at(json, "close_reason");
  record.origin = text_at(json, "origin");
  return record;
}

}  // namespace warden::host
