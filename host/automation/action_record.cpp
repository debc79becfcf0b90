#include "host/automation/action_record.hpp"

#include <Poco/JSON/Parser.h>

namespace warden::host {
namespace {

/// The log keeps the first entries and the latest ones: a notice repeating for days must not grow
/// its row without bound.
constexpr std::size_t kMaxLog = 200;

Poco::JSON::Array::Ptr strings_to_json(const std::vector<std::string>& values) {
  Poco::JSON::Array::Ptr out = new Poco::JSON::Array;
  for (const auto& v : values) out->add(v);
  return out;
}

std::vector<std::string> strings_of(const Poco::JSON::Object& json, const std::string& name) {
  std::vector<std::string> out;
  if (auto array = json.getArray(name))
    for (std::size_t i = 0; i < array->size(); ++i)
      out.push_back(array->getElement<std::string>(i));
  return out;
}

std::string text_of(const Poco::JSON::Object& json, const std::string& name) {
  return json.has(name) && !json.isNull(name) ? json.getValue<std::string>(name) : std::string();
}

std::int64_t int_of(const Poco::JSON::Object& json, const std::string& name) {
  return json.has(name) && !json.isNull(name) ? json.getValue<std::int64_t>(name) : 0;
}

}  // namespace

void ActionRecord::note(std::int64_t at_ms, std::string event, std::string text) {
  if (log.size() >= kMaxLog) log.erase(log.begin() + kMaxLog / 2);
  log.push_back({at_ms, std::move(event), std::move(text)});
  updated_ms = at_ms;
}

Poco::JSON::Object::Ptr action_record_to_json(const ActionRecord& a) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
  o->set("id", a.id);
  o->set("policy", a.policy);
  o->set("action_index", static_cast<std::int64_t>(a.action_index));
  o->set("alert_id", a.alert_id);
  o->set("alert_ids", strings_to_json(a.alert_ids));
  o->set("alerts", a.alerts);
  o->set("kind", a.kind);
  o->set("signal", a.signal);
  o->set("status", a.status);
  o->set("spec", a.spec);
  o->set("attempts", a.attempts);
  o->set("repeats", a.repeats);
  o->set("created_ms", a.created_ms);
  o->set("updated_ms", a.updated_ms);
  o->set("started_ms", a.started_ms);
  o->set("ended_ms", a.ended_ms);
  o->set("due_ms", a.due_ms);
  o->set("deadline_ms", a.deadline_ms);
  o->set("group_key", a.group_key);
  o->set("task_id", a.task_id);
  o->set("notice_ids", strings_to_json(a.notice_ids));
  o->set("message", a.message);
  o->set("blocked_by", a.blocked_by);
  o->set("approval", a.approval);
  o->set("decided_by", a.decided_by);
  o->set("decision_reason", a.decision_reason);
  Poco::JSON::Array::Ptr log = new Poco::JSON::Array;
  for (const auto& e : a.log) {
    Poco::JSON::Object::Ptr entry = new Poco::JSON::Object;
    entry->set("at_ms", e.at_ms);
    entry->set("event", e.event);
    entry->set("message", e.message);
    log->add(entry);
  }
  o->set("log", log);
  return o;
}

ActionRecord action_record_from_json(const Poco::JSON::Object& j) {
  ActionRecord a;
  a.id = text_of(j, "id");
  a.policy = text_of(j, "policy");
  a.action_index = static_cast<std::size_t>(int_of(j, "action_index"));
  a.alert_id = text_of(j, "alert_id");
  a.alert_ids = strings_of(j, "alert_ids");
  if (auto alerts = j.getArray("alerts")) a.alerts = alerts;
  a.kind = text_of(j, "kind");
  a.signal = text_of(j, "signal");
  a.status = text_of(j, "status");
  a.spec = j.getObject("spec");
  if (!a.spec) a.spec = new Poco::JSON::Object;
  a.attempts = int_of(j, "attempts");
  a.repeats = int_of(j, "repeats");
  a.created_ms = int_of(j, "created_ms");
  a.updated_ms = int_of(j, "updated_ms");
  a.started_ms = int_of(j, "started_ms");
  a.ended_ms = int_of(j, "ended_ms");
  a.due_ms = int_of(j, "due_ms");
  a.deadline_ms = int_of(j, "deadline_ms");
  a.group_key = text_of(j, "group_key");
  a.task_id = text_of(j, "task_id");
  a.notice_ids = strings_of(j, "notice_ids");
  a.message = text_of(j, "message");
  a.blocked_by = text_of(j, "blocked_by");
  a.approval = text_of(j, "approval");
  a.decided_by = text_of(j, "decided_by");
  a.decision_reason = text_of(j, "decision_reason");
  if (auto log = j.getArray("log"))
    for (std::size_t i = 0; i < log->size(); ++i) {
      auto e = log->getObject(i);
      if (e) a.log.push_back({int_of(*e, "at_ms"), text_of(*e, "event"), text_of(*e, "message")});
    }
  return a;
}

}  // namespace warden::host
