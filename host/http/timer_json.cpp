#include "host/http/timer_json.hpp"

#include "host/http/body_fields.hpp"
#include "host/http/json.hpp"

namespace warden::host::http {
namespace {

Poco::Dynamic::Var outcome_or_null(const TimerRecord& r) {
  if (r.last_outcome == FireOutcome::none) return Poco::Dynamic::Var();
  return std::string(to_string(r.last_outcome));
}

Poco::Dynamic::Var lateness_or_null(const TimerRecord& r) {
  if (r.last_fired_ms == 0) return Poco::Dynamic::Var();
  return static_cast<double>(r.last_lateness_us) / 1000.0;
}

}  // namespace

Poco::JSON::Object::Ptr timer_json(const TimerService& timers, const TimerView& view) {
  const auto& r = view.record;
  auto out = object();
  if (r.kind == TimerKind::event) {
    out->set("id", r.id);
    out->set("node_id", r.node_id);
  } else {
    out->set("name", r.id);
  }
  out->set("enable", r.enable);
  out->set("action", r.action);
  out->set("timer_type", std::string(to_string(r.type)));
  out->set("defined", r.defined);
  if (r.type == TimerType::cron) out->set("time_zone", r.time_zone.empty() ? "UTC" : r.time_zone);
  out->set("params", timers.masked_params(r));
  out->set("misfire", std::string(to_string(r.misfire)));
  out->set("state", std::string(to_string(r.state)));
  out->set("running", view.running);
  out->set("armed_at", time_or_null(r.state == TimerState::pending ? 0 : r.armed_ms));
  out->set("due_time", time_or_null(r.state == TimerState::armed ? r.due_ms : 0));
  if (r.kind == TimerKind::event) {
    out->set("fired", r.fired);
  } else {
    out->set("runs", r.fired);
  }
  out->set("failures", r.failures);
  out->set(r.kind == TimerKind::event ? "skipped" : "skipped_overlaps", r.skipped);
  out->set("last_fired_at", time_or_null(r.last_fired_ms));
  out->set("last_lateness_ms", lateness_or_null(r));
  out->set("last_outcome", outcome_or_null(r));
  out->set("last_error", r.last_error);
  out->set("created_at", time_or_null(r.created_ms));
  return out;
}

}  // namespace warden::host::http
