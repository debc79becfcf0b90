#include "host/http/timer_routes.hpp"

#include "host/http/body_fields.hpp"
#include "host/http/http_error.hpp"
#include "host/http/json.hpp"
#include "host/http/request_error_answer.hpp"
#include "host/http/timer_json.hpp"
#include "host/runtime/clock.hpp"
#include "host/runtime/iso_time.hpp"
#include "host/timers/timer_plan.hpp"
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

/// Seed 001's answer: `{"result": true, "data": …, "message": ""}`.
Response seed_answer(const Poco::Dynamic::Var& data, int status = 200) {
  auto out = object();
  out->set("result", true);
  out->set("data", data);
  out->set("message", "");
  return Response::json(out, status);
}

/// `{"<task_id>": [<timer config>, …], …}`: every config, its owner set.
std::vector<TimerSpec> event_specs_of(const Poco::JSON::Object& body) {
  static const std::string example =
      R"({"<task_id>": [{"enable": true, "action": "forced_fail", "timer_type": )"
      R"("time_duration", "defined": "PT10M"}]})";
  if (body.size() == 0) throw HttpError(400, "the body names no task; expected " + example);
  std::vector<TimerSpec> specs;
  for (const auto& node_id : body.getNames()) {
    auto value = body.get(node_id);
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
  return specs;
}

void add_event_routes(Router& router, TimerService& timers) {
  router.add("POST", "/api/timer_events", [&timers](const Request& request) {
    return answer([&] {
      auto stored = timers.add_events(event_specs_of(*body_of(request)));
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
}

void add_schedule_routes(Router& router, TimerService& timers) {
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

}  // namespace

/// The next due times of a timer not yet saved, as if armed now: the console shows them before
/// a timer event or a schedule is stored.
void add_preview_route(Router& router) {
  router.add("POST", "/api/timers/preview", [](const Request& request) {
    const auto body = request.json();
    const auto type_name = string_field(*body, "timer_type", "timer_type");
    const auto defined = string_field(*body, "defined", "defined");
    const auto zone = optional_string(*body, "time_zone", "time_zone").value_or("");
    const int count = optional_int(*body, "count", 1, 100).value_or(5);
    const auto type = parse_timer_type(type_name);
    if (!type) {
      auto errors = object();
      errors->set("timer_type", "must be time_date, time_duration, time_cycle or cron");
      throw HttpError(400, "invalid timer", errors);
    }
    std::vector<std::int64_t> due;
    try {
      due = TimerPlan::parse(*type, defined, zone).upcoming(system_clock().now_ms(), count);
    } catch (const TimerDefinitionError& e) {
      auto errors = object();
      errors->set("defined", e.what());
      throw HttpError(400, "invalid timer", errors);
    }
    Poco::JSON::Array::Ptr times = new Poco::JSON::Array;
    for (const auto ms : due) times->add(iso8601(ms));
    auto data = object();
    data->set("due_times", times);
    auto out = object();
    out->set("result", "ok");
    out->set("data", data);
    return Response::json(out);
  });
}

void add_timer_routes(Router& router, TimerService& timers) {
  add_preview_route(router);
  add_event_routes(router, timers);
  add_schedule_routes(router, timers);
}

}  // namespace warden::host::http
