#include "host/http/task_routes.hpp"

#include "host/http/body_fields.hpp"
#include "host/http/request_error_answer.hpp"
#include "host/http/task_json.hpp"
#include "host/runtime/iso_time.hpp"
#include "host/runtime/timer_queue.hpp"
#include "host/services/json_string_escape.hpp"
#include "host/tasks/task_manager.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <warden/json_value.hpp>

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

void add_create_task(Router& router, TaskManager& tasks) {
  router.add("POST", "/api/create_task", [&tasks](const Request& request) {
    return answer([&] {
      static const std::string example = R"({"data": {"service": "test", "condition": {…}}})";
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
}

void add_status_task(Router& router, TaskManager& tasks, int max_status_task) {
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
      for (std::size_t i = 0; i < ids.size(); ++i)
        statuses->add(task_status_json(ids[i], records[i]));
      auto out = ok();
      out->set("status", statuses);
      return Response::json(out);
    });
  });
}

void add_update_status_task(Router& router, TaskManager& tasks) {
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
      auto worker = optional_string(*data, "worker", "data.worker").value_or("");
      if (worker.size() > 128)
        throw HttpError(400, "\"data.worker\" must be at most 128 characters");
      // The result, kept as the worker gave it (any JSON value); the body limit bounds it.
      std::string result;
      if (data->has("data") && !data->isNull("data")) {
        const auto value = data->get("data");
        // Poco writes a string on its own without its quotes.
        result = value.isString() ? "\"" + json_string_escape(value.convert<std::string>()) + "\""
                                  : compact_json(value);
      }
      auto record = tasks.update_status(id, status, message, worker, result);
      auto out = ok();
      auto state = object();
      state->set("task_id", id);
      state->set("status", std::string(to_string(record.status)));
      out->set("status", state);
      return Response::json(out);
    });
  });
}

void add_result_task(Router& router, TaskManager& tasks) {
  router.add("POST", "/api/result_task", [&tasks](const Request& request) {
    return answer([&] {
      static const std::string example = R"({"data": {"task_id": "ts_…"}})";
      auto body = body_of(request);
      auto data = object_field(*body, "data", "data", example);
      auto id = string_field(*data, "task_id", "data.task_id");
      auto record = tasks.find(id);
      if (!record) throw HttpError(404, "unknown task_id \"" + id + "\"");
      return Response::json(task_result_json(*record, now_ms()));
    });
  });
}

void add_list_tasks(Router& router, TaskManager& tasks) {
  router.add("POST", "/api/tasks", [&tasks](const Request& request) {
    return answer([&] {
      auto body = body_of(request, /*empty_ok=*/true);
      TaskQuery query;
      query.page_size = optional_int(*body, "p_size", 1, 1000).value_or(10);
      query.page = optional_int(*body, "page", 1, 1'000'000).value_or(1);
      query.task_id = optional_string(*body, "task_id", "task_id");
      query.service = optional_string(*body, "service", "service");
      if (auto status = optional_string(*body, "status", "status"))
        query.status = status_field(*status, "status", "ready, waiting, running, finished, failed");
      auto page = tasks.list(query);
      Poco::JSON::Array::Ptr data = new Poco::JSON::Array;
      for (const auto& r : page.tasks) data->add(task_list_json(r, tasks.masked_condition(r)));
      auto out = ok();
      out->set("total", page.total);
      out->set("count", static_cast<int>(page.tasks.size()));
      out->set("data", data);
      return Response::json(out);
    });
  });
}

void add_start_task(Router& router, TaskManager& tasks) {
  router.add("POST", "/api/start_task", [&tasks](const Request& request) {
    return answer([&] {
      auto id = task_id_of(*body_of(request));
      tasks.restart(id);
      auto out = ok();
      out->set("task_id", id);
      return Response::json(out);
    });
  });
}

void add_update_task(Router& router, TaskManager& tasks) {
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
}

void add_service_task(Router& router, TaskManager& tasks) {
  router.add("POST", "/api/service_task", [&tasks](const Request&) {
    auto services = tasks.services();
    Poco::JSON::Array::Ptr described = new Poco::JSON::Array;
    for (const auto& service : services)
      described->add(service_json(service, tasks.external_source(service)));
    auto out = ok();
    out->set("count", static_cast<int>(services.size()));
    out->set("data", string_array(services));
    out->set("services", described);
    return Response::json(out);
  });
}

}  // namespace

void add_task_routes(Router& router, TaskManager& tasks, int max_status_task) {
  add_create_task(router, tasks);
  add_status_task(router, tasks, max_status_task);
  add_update_status_task(router, tasks);
  add_result_task(router, tasks);
  add_list_tasks(router, tasks);
  add_start_task(router, tasks);
  add_update_task(router, tasks);
  add_service_task(router, tasks);
}

}  // namespace warden::host::http
