#include "host/http/action_json.hpp"

#include "host/http/body_fields.hpp"
#include "host/http/json.hpp"

namespace warden::host::http {

Poco::JSON::Object::Ptr action_to_json(const ActionRecord& a) {
  auto o = object();
  o->set("id", a.id);
  o->set("policy", a.policy);
  o->set("action_index", static_cast<Poco::UInt64>(a.action_index));
  o->set("alert_id", a.alert_id);
  o->set("alert_ids", string_array(a.alert_ids));
  o->set("kind", a.kind);
  o->set("signal", a.signal);
  o->set("status", a.status);
  o->set("spec", a.spec ? Poco::Dynamic::Var(a.spec) : Poco::Dynamic::Var());
  o->set("attempts", a.attempts);
  o->set("repeats", a.repeats);
  o->set("created_at", time_or_null(a.created_ms));
  o->set("updated_at", time_or_null(a.updated_ms));
  o->set("started_at", time_or_null(a.started_ms));
  o->set("ended_at", time_or_null(a.ended_ms));
  o->set("due_at", time_or_null(a.due_ms));
  o->set("deadline_at", time_or_null(a.deadline_ms));
  o->set("group_key", a.group_key);
  o->set("task_id", a.task_id);
  o->set("notice_ids", string_array(a.notice_ids));
  o->set("message", a.message);
  o->set("blocked_by", a.blocked_by);
  o->set("approval", a.approval);
  o->set("decided_by", a.decided_by);
  o->set("decision_reason", a.decision_reason);
  Poco::JSON::Array::Ptr log = new Poco::JSON::Array;
  for (const auto& entry : a.log) {
    auto line = object();
    line->set("at", time_or_null(entry.at_ms));
    line->set("event", entry.event);
    line->set("message", entry.message);
    log->add(line);
  }
  o->set("log", log);
  return o;
}

}  // namespace warden::host::http
