#include "host/http/timer_routes.hpp"

#include "host/http/body_fields.hpp"
#include "host/http/http_error.hpp"
#include "host/http/json.hpp"
#include "host/http/request_error_answer.hpp"
#include "host/timers/timer_service.hpp"

#include <Poco/JSON/Array.h>

namespace warden::host::http {
namespace {

/// The fields a timer config or a schedule shares; `place` names it in messages.
TimerSpec spec_of(const Poco::JSON::Object& config, const std::string& prefix) {
  const auto place = [&](const char* field) {
    return prefix.empty() ? std::string(field) : prefix + "." + field;
  };
  TimerSpec spec;
  spec.enable = optional_bool(config, "enable", place("enable")).value_or(true);
  spec.action = string_field(config, "action", place("action"));
  spec.timer_type = string_field(config, "timer_type", place("timer_type"));
  spec.defined = string_field(config, "defined", place("defined"));
  spec.time_zone = optional_string(config, "time_zone", place("time_zone")).value_or("");
  spec.misfire = optional_string(config, "misfire", place("misfire")).value_or("");
  spec.params = optional_object(config, "params", place("params"));
  return spec;
}

Poco::Dynamic::Var outcome_or_null(const TimerRecord& r) {
  if (r.last_outcome == FireOutcome::none) return Poco::Dynamic::Var();
  return std::string(to_string(r.last_outcome));
}

Poco::Dynamic::Var lateness_or_null(const TimerRecord& r) {
  if (r.last_fired_ms == 0) return Poco::Dynamic::Var();
  return static_cast<double>(r.last_lateness_us) / 1000.0;
}

/// What a timer reads as over the API. `runs` and `skipped` are named for schedules.
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

/// Seed 001's answer: `{"result": true, "data": …, "message": ""}`.
Response seed_answer(const Poco::Dynamic::Var& data, int status = 200) {
  auto out = object();
  out->set("result", true);
  out->set("data", data);
  out->set("message", "");
  return Response::json(out, status);
}

}  // namespace

void add_timer_routes(Router& router, TimerService& timers) {
  router.add("POST", "/api/timer_events", [&timers](const Request& request) {
    return answer([&] {
      static const std::string example =
          R"({"<task_id>": [{"enable": true, "action": "forced_fail", "timer_type": )"
          R"("time_duration", "defined": "PT10M"}]})";
      auto body = body_of(request);
      if (body->size() == 0) throw HttpError(400, "the body names no task; expected " + example);
      std::vector<TimerSpec> specs;
      for (const auto& node_id : body->getNames()) {
        auto value = body->get(node_id);
        if (value.type() != typeid(Poco::JSON::Array::Ptr))
          throw HttpError(400, "\"" + node_id + "\" must be a list of timer configs: " + example);
        auto configs = value.extract<Poco::JSON::Array::Ptr>();
        for (std::size_t i = 0; i < configs->size(); ++i) {
          const auto place = node_id + "[" + std::to_string(i) + "]";
          auto config = configs->get(i);
          if (config.type() != typeid(Poco::JSON::Object::Ptr))
            throw HttpError(400, "\"" + place + "\" must be a JSON object: " + example);
          auto spec = spec_of(*config.extract<Poco::JSON::Object::Ptr>(), place);
          spec.owner = node_id;
          specs.push_back(std::move(spec));
        }
      }
      auto stored = timers.add_events(specs);
      Poco::JSON::Array::Ptr data = new Poco::JSON::Array;
      for (auto& record : stored) data->add(timer_json(timers, {std::move(record), false}));
      return seed_answer(data);
    });
  });

  router.add("GET", "/api/timer_events", [&timers](const Request& request) {
    auto node_id = request.query("node_id");
    if (!node_id || node_id->empty())
      throw HttpError(400, "the query must name a task: /api/timer_events?node_id=<task_id>");
    Poco::JSON::Array::Ptr data = new Poco::JSON::Array;
    for (const auto& view : timers.events(*node_id)) data->add(timer_json(timers, view));
    return seed_answer(data);
  });

  router.add("DELETE", "/api/timer_events/{id}", [&timers](const Request& request) {
    return answer([&] {
      auto record = timers.cancel_event(request.param("id"));
      return seed_answer(timer_json(timers, {std::move(record), false}));
    });
  });

  router.add("POST", "/api/schedules", [&timers](const Request& request) {
    return answer([&] {
      auto body = body_of(request);
      auto spec = spec_of(*body, "");
      spec.owner = string_field(*body, "name", "name");
      auto [record, created] = timers.put_schedule(spec);
      auto view = timers.schedule(record.id);
      return seed_answer(timer_json(timers, view.value_or(TimerView{record, false})),
                         created ? 201 : 200);
    });
  });

  router.add("GET", "/api/schedules", [&timers](const Request&) {
    Poco::JSON::Array::Ptr data = new Poco::JSON::Array;
    for (const auto& view : timers.schedules()) data->add(timer_json(timers, view));
    return seed_answer(data);
  });

  router.add("GET", "/api/schedules/{name}", [&timers](const Request& request) {
    const auto& name = request.param("name");
    auto view = timers.schedule(name);
    if (!view) throw HttpError(404, "unknown schedule \"" + name + "\"");
    return seed_answer(timer_json(timers, *view));
  });

  router.add("DELETE", "/api/schedules/{name}", [&timers](const Request& request) {
    return answer([&] {
      auto record = timers.delete_schedule(request.param("name"));
      return seed_answer(timer_json(timers, {std::move(record), false}));
    });
  });
}

}  // namespace warden::host::http
