#include "host/http/task_routes.hpp"

#include "host/http/body_fields.hpp"
#include "host/runtime/iso_time.hpp"
#include "host/http/request_error_answer.hpp"
#include "host/tasks/task_manager.hpp"
#include "host/runtime/timer_queue.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <cmath>

namespace warden::host::http {
namespace {

/// `{"task_id": …}` at the top level (seed 004) or inside "data".
std::string task_id_of(const Poco::JSON::Object& body) {
  if (!body.has("task_id") && body.has("data") &&
      body.get("data").type() == typeid(Poco::JSON::Object::Ptr))
    return string_field(*body.getObject("data"), "task_id", "data.task_id");
  return string_field(body, "task_id", "task_id");
}

TaskStatus status_field(const std::string& text, const std::string& place,
                        const std::string& allowed) {
  auto status = parse_task_status(text);
  if (!status || allowed.find(text) == std::string::npos)
    throw HttpError(400, "\"" + place + "\" must be one of " + allowed + ", not \"" + text + "\"");
  return *status;
}

}  // namespace

void add_task_routes(Router& router, TaskManager& tasks, int max_status_task) {
  router.add("POST", "/api/create_task", [&tasks](const Request& request) {
    return answer([&] {
      static const std::string example =
          R"({"data": {"service": "test", "condition": {…}}})";
      auto body = body_of(request);
      auto data = object_field(*body, "data", "data", example);
      auto service = string_field(*data, "service", "data.service");
      auto condition = object_field(*data, "condition", "data.condition", example);
      std::optional<std::int64_t> timeout_ms;
      if (data->has("timeout") && !data->isNull("timeout")) {
        auto v = data->get("timeout");
        if (!v.isNumeric() || v.isBoolean() || v.convert<double>() < 0 ||
            v.convert<double>() > 3.15e9)
          throw HttpError(400,
                          "\"data.timeout\" must be a number of seconds up to 3150000000 (0: no "
                          "timeout)");
        timeout_ms = static_cast<std::int64_t>(std::llround(v.convert<double>() * 1000));
      }
      bool queue = true;
      if (data->has("start") && !data->isNull("start")) {
        if (!data->get("start").isBoolean())
          throw HttpError(400, "\"data.start\" must be true or false");
        queue = data->getValue<bool>("start");
      }
      auto id = tasks.create(service, *condition, timeout_ms, queue);
      auto out = ok();
      out->set("task_id", id);
      return Response::json(out);
    });
  });

  router.add("POST", "/api/status_task", [&tasks, max_status_task](const Request& request) {
    return answer([&] {
      auto body = body_of(request);
      static const std::string example = R"({"data": [{"task_id": "ts_…"}, …]})";
      if (!body->has("data") || body->get("data").type() != typeid(Poco::JSON::Array::Ptr))
        throw HttpError(400, "\"data\" must be a list of task ids: " + example);
      auto list = body->getArray("data");
      if (static_cast<int>(list->size()) > max_status_task)
        throw HttpError(400, "too many task ids: " + std::to_string(list->size()) +
                                 "; max_status_task allows " + std::to_string(max_status_task));
      std::vector<std::string> ids;
      for (unsigned i = 0; i < list->size(); ++i) {
        auto place = "data[" + std::to_string(i) + "]";
        auto item = list->get(i);
        if (item.type() != typeid(Poco::JSON::Object::Ptr))
          throw HttpError(400, "\"" + place + "\" must be an object: " + example);
        ids.push_back(
            string_field(*item.extract<Poco::JSON::Object::Ptr>(), "task_id", place + ".task_id"));
      }
      auto records = tasks.find(ids);
      Poco::JSON::Array::Ptr statuses = new Poco::JSON::Array;
      for (std::size_t i = 0; i < ids.size(); ++i) {
        auto entry = object();
        entry->set("task_id", ids[i]);
        if (const auto& r = records[i]) {
          entry->set("status", std::string(to_string(r->status)));
          entry->set("message", r->message());
          entry->set("start_time", time_or_null(r->start_ms));
          entry->set("end_time", time_or_null(r->end_ms));
          if (r->skipped) entry->set("skipped", true);
        } else {
          entry->set("status", "Invalid");
          entry->set("message", "unknown task_id");
          entry->set("start_time", Poco::Dynamic::Var());
          entry->set("end_time", Poco::Dynamic::Var());
        }
        statuses->add(entry);
      }
      auto out = ok();
      out->set("status", statuses);
      return Response::json(out);
    });
  });

  router.add("POST", "/api/update_status_task", [&tasks](const Request& request) {
    return answer([&] {
      static const std::string example =
          R"({"data": {"task_id": "ts_…", "status": "running", "message": "…"}})";
      auto body = body_of(request);
      auto data = object_field(*body, "data", "data", example);
      auto id = string_field(*data, "task_id", "data.task_id");
      auto status = status_field(string_field(*data, "status", "data.status"), "data.status",
                                 "running, finished, failed");
      auto message = optional_string(*data, "message", "data.message").value_or("");
      auto record = tasks.update_status(id, status, message);
      auto out = ok();
      auto state = object();
      state->set("task_id", id);
      state->set("status", std::string(to_string(record.status)));
      out->set("status", state);
      return Response::json(out);
    });
  });

  router.add("POST", "/api/result_task", [&tasks](const Request& request) {
    return answer([&] {
      static const std::string example = R"({"data": {"task_id": "ts_…"}})";
      auto body = body_of(request);
      auto data = object_field(*body, "data", "data", example);
      auto id = string_field(*data, "task_id", "data.task_id");
      auto record = tasks.find(id);
      if (!record) throw HttpError(404, "unknown task_id \"" + id + "\"");
      auto out = ok();
      out->set("task_id", id);
      out->set("status", std::string(to_string(record->status)));
      out->set("message", record->message());
      if (!record->failure_type.empty()) out->set("failure_type", record->failure_type);
      if (record->skipped) out->set("skipped", true);
      out->set("data", parse_object(record->result));
      out->set("start_time", time_or_null(record->start_ms));
      out->set("end_time", time_or_null(record->end_ms));
      double spend = 0;
      if (record->start_ms > 0)
        spend = static_cast<double>((record->end_ms > 0 ? record->end_ms : now_ms()) -
                                    record->start_ms) /
                1000.0;
      out->set("spend_time", spend);
      return Response::json(out);
    });
  });

  router.add("POST", "/api/tasks", [&tasks](const Request& request) {
    return answer([&] {
      auto body = body_of(request, /*empty_ok=*/true);
      TaskQuery query;
      query.page_size = optional_int(*body, "p_size", 1, 1000).value_or(10);
      query.page = optional_int(*body, "page", 1, 1'000'000).value_or(1);
      query.service = optional_string(*body, "service", "service");
      if (auto status = optional_string(*body, "status", "status"))
        query.status =
            status_field(*status, "status", "ready, waiting, running, finished, failed");
      auto page = tasks.list(query);
      Poco::JSON::Array::Ptr data = new Poco::JSON::Array;
      for (const auto& r : page.tasks) {
        auto entry = object();
        entry->set("task_id", r.task_id);
        entry->set("service", r.service);
        entry->set("status", std::string(to_string(r.status)));
        entry->set("message", r.message());
        entry->set("condition", tasks.masked_condition(r));
        entry->set("create_time", time_or_null(r.create_ms));
        entry->set("start_time", time_or_null(r.start_ms));
        entry->set("end_time", time_or_null(r.end_ms));
        if (r.skipped) entry->set("skipped", true);
        data->add(entry);
      }
      auto out = ok();
      out->set("total", page.total);
      out->set("count", static_cast<int>(page.tasks.size()));
      out->set("data", data);
      return Response::json(out);
    });
  });

  router.add("POST", "/api/start_task", [&tasks](const Request& request) {
    return answer([&] {
      auto id = task_id_of(*body_of(request));
      tasks.restart(id);
      auto out = ok();
      out->set("task_id", id);
      return Response::json(out);
    });
  });

  router.add("POST", "/api/update_task", [&tasks](const Request& request) {
    return answer([&] {
      static const std::string example = R"({"task_id": "ts_…", "condition": {…}})";
      auto body = body_of(request);
      auto id = task_id_of(*body);
      auto holder = body;
      if (!body->has("condition") && body->has("data") &&
          body->get("data").type() == typeid(Poco::JSON::Object::Ptr))
        holder = body->getObject("data");
      auto condition = object_field(*holder, "condition", "condition", example);
      tasks.update_condition(id, *condition);
      auto out = ok();
      out->set("task_id", id);
      return Response::json(out);
    });
  });

  router.add("POST", "/api/service_task", [&tasks](const Request&) {
    auto services = tasks.services();
    auto out = ok();
    out->set("count", static_cast<int>(services.size()));
    out->set("data", string_array(services));
    return Response::json(out);
  });
}

}  // namespace warden::host::http
