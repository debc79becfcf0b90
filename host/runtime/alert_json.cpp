#include "host/runtime/alert_json.hpp"

#include "host/runtime/json_number.hpp"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <functional>
#include <map>

namespace warden::host {
namespace {

using Var = Poco::Dynamic::Var;

[[noreturn]] void refuse(const std::string& place, const std::string& what) {
  throw AlertInputError("\"" + place + "\" " + what);
}

std::string text_of(const Var& v, const std::string& place) {
  if (!v.isString()) refuse(place, "must be a string");
  return v.convert<std::string>();
}

// Any whole number an alert's int64 fields hold; digits in a string count too (some senders quote
// their numbers).
std::int64_t integer_of(const Var& v, const std::string& place) {
  const auto n = v.isString() ? whole_number_in_text(v.extract<std::string>()) : whole_number(v);
  if (!n) refuse(place, whole_number_refusal(v, kMinWholeNumber, kMaxWholeNumber));
  return *n;
}

bool boolean_of(const Var& v, const std::string& place) {
  if (!v.isBoolean()) refuse(place, "must be true or false");
  return v.extract<bool>();
}

/// Setters by field name; each reads one field of the JSON into the alert.
using Setter = std::function<void(Alert&, const Var&, const std::string&)>;

Setter text(std::string Alert::*member) {
  return
      [member](Alert& a, const Var& v, const std::string& place) { a.*member = text_of(v, place); };
}
Setter integer(std::int64_t Alert::*member) {
  return [member](Alert& a, const Var& v, const std::string& place) {
    a.*member = integer_of(v, place);
  };
}
Setter flag(bool Alert::*member) {
  return [member](Alert& a, const Var& v, const std::string& place) {
    a.*member = boolean_of(v, place);
  };
}

const std::map<std::string, Setter>& setters() {
  static const std::map<std::string, Setter> table = {
      {"type", text(&Alert::type)},
      {"subject", text(&Alert::subject)},
      {"title", text(&Alert::title)},
      {"source", text(&Alert::source)},
      {"id", text(&Alert::id)},
      {"status", text(&Alert::status)},
      {"severity", text(&Alert::severity)},
      {"start_time", text(&Alert::start_time)},
      {"end_time", text(&Alert::end_time)},
      {"duration", text(&Alert::duration)},
      {"link", text(&Alert::link)},
      {"restart", flag(&Alert::restart)},
      {"restart_index", integer(&Alert::restart_index)},
      {"total_restart", integer(&Alert::total_restart)},
      {"cp_failure_rate_interval", integer(&Alert::cp_failure_rate_interval)},
      {"cp_max_failure_interval", integer(&Alert::cp_max_failure_interval)},
      {"message", text(&Alert::message)},
      {"at_all", flag(&Alert::at_all)},
      {"dedupe_key", text(&Alert::dedupe_key)},
      {"labels",
       [](Alert& a, const Var& v, const std::string& place) {
         if (v.type() != typeid(Poco::JSON::Object::Ptr))
           refuse(place, "must be an object of strings");
         const auto object = v.extract<Poco::JSON::Object::Ptr>();
         for (const auto& [key, value] : *object) {
           const std::string where = place + "." + key;
           if (value.isString())
             a.labels[key] = value.convert<std::string>();
           else if (value.isNumeric() && !value.isBoolean())
             a.labels[key] = value.convert<std::string>();  // strategy_id: 12345
           else
             refuse(where, "must be a string");
         }
       }},
      {"at_mobiles",
       [](Alert& a, const Var& v, const std::string& place) {
         if (v.type() != typeid(Poco::JSON::Array::Ptr)) refuse(place, "must be a list of strings");
         const auto array = v.extract<Poco::JSON::Array::Ptr>();
         for (std::size_t i = 0; i < array->size(); ++i)
           a.at_mobiles.push_back(text_of(array->get(i), place + "[" + std::to_string(i) + "]"));
       }},
  };
  return table;
}

Alert fields_from_json(const Poco::JSON::Object& json, const std::string& place) {
  Alert alert;
  for (const auto& [name, value] : json) {
    const std::string where = place + "." + name;
    const auto setter = setters().find(name);
    if (setter == setters().end()) refuse(where, "is not a field of an alert");
    if (value.isEmpty()) continue;  // null: the default
    setter->second(alert, value, where);
  }
  return alert;
}

}  // namespace

Alert alert_from_json(const Poco::JSON::Object& json, const std::string& place) {
  Alert alert = fields_from_json(json, place);
  static const char* kTypes[] = {"job_state", "checkpoint", "cluster", "task", "external"};
  if (std::none_of(std::begin(kTypes), std::end(kTypes),
                   [&](const char* t) { return alert.type == t; }))
    refuse(place + ".type",
           "must be one of job_state, checkpoint, cluster, task, external, not \"" + alert.type +
               "\"");
  if (alert.title.empty() && alert.subject.empty() && alert.message.empty())
    throw AlertInputError("\"" + place +
                          "\" needs at least one of \"title\", \"subject\" or \"message\"");
  return alert;
}

Alert stored_alert_from_json(const Poco::JSON::Object& json, const std::string& place) {
  return fields_from_json(json, place);
}

Poco::JSON::Object::Ptr alert_to_json(const Alert& alert) {
  auto json = alert.to_json();
  json->set("dedupe_key", alert.dedupe_key);
  return json;
}

}  // namespace warden::host
