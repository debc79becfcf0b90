#include "host/http/task_json.hpp"

#include "host/http/body_fields.hpp"
#include "host/http/json.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

namespace warden::host::http {
namespace {

/// Seed 004's status_message: every status a worker reports, with its message or null.
Poco::JSON::Object::Ptr status_message_json(const TaskRecord& task) {
  auto out = object();
  for (const char* status : {"running", "finished", "failed"}) {
    auto it = task.messages.find(status);
    if (it == task.messages.end())
      out->set(status, Poco::Dynamic::Var());
    else
      out->set(status, it->second);
  }
  return out;
}

/// What a solution recorded (an object) or an external worker gave (any JSON value).
Poco::Dynamic::Var result_json(const std::string& text) {
  if (text.empty()) return object();
  try {
    // Poco's parser takes no bare scalar at the top: in a list, a worker's "done" or 42 reads.
    return Poco::JSON::Parser().parse("[" + text + "]").extract<Poco::JSON::Array::Ptr>()->get(0);
  } catch (const Poco::Exception&) {
    return object();
  }
}

}  // namespace

Poco::JSON::Object::Ptr service_json(const std::string& service, const SourceDb* external) {
  auto out = object();
  out->set("service", service);
  out->set("external", external != nullptr);
  if (external) {
    out->set("topic_name", external->topic_name);
    out->set("source_name", external->source_name);
    out->set("consumer_id", external->consumer_id);
  }
  return out;
}

Poco::JSON::Object::Ptr task_status_json(const std::string& task_id,
                                         const std::optional<TaskRecord>& task) {
  auto entry = object();
  entry->set("task_id", task_id);
  if (task) {
    entry->set("status", std::string(to_string(task->status)));
    entry->set("message", task->message());
    entry->set("start_time", time_or_null(task->start_ms));
    entry->set("end_time", time_or_null(task->end_ms));
    if (task->skipped) entry->set("skipped", true);
    if (!task->action_id.empty()) entry->set("action_id", task->action_id);
  } else {
    entry->set("status", "Invalid");
    entry->set("message", "unknown task_id");
    entry->set("start_time", Poco::Dynamic::Var());
    entry->set("end_time", Poco::Dynamic::Var());
  }
  return entry;
}

Poco::JSON::Object::Ptr task_result_json(const TaskRecord& task, std::int64_t now_ms) {
  auto out = ok();
  out->set("task_id", task.task_id);
  out->set("status", std::string(to_string(task.status)));
  out->set("message", task.message());
  // The step it runs or waits to run; once ended, the one it ended in. `run` is the first.
  out->set("step", task.step.empty() ? std::string("run") : task.step);
  if (!task.failure_type.empty()) out->set("failure_type", task.failure_type);
  if (task.skipped) out->set("skipped", true);
  if (!task.action_id.empty()) out->set("action_id", task.action_id);
  out->set("data", result_json(task.result));
  out->set("status_message", status_message_json(task));
  if (!task.worker.empty()) out->set("worker", task.worker);
  out->set("start_time", time_or_null(task.start_ms));
  out->set("end_time", time_or_null(task.end_ms));
  double spend = 0;
  if (task.start_ms > 0)
    spend = static_cast<double>((task.end_ms > 0 ? task.end_ms : now_ms) - task.start_ms) / 1000.0;
  out->set("spend_time", spend);
  return out;
}

Poco::JSON::Object::Ptr task_list_json(const TaskRecord& task,
                                       const Poco::JSON::Object::Ptr& masked_condition) {
  auto entry = object();
  entry->set("task_id", task.task_id);
  entry->set("service", task.service);
  entry->set("source_name", task.source_name);
  entry->set("status", std::string(to_string(task.status)));
  entry->set("message", task.message());
  entry->set("status_message", status_message_json(task));
  if (!task.worker.empty()) entry->set("worker", task.worker);
  entry->set("condition", masked_condition);
  entry->set("create_time", time_or_null(task.create_ms));
  entry->set("start_time", time_or_null(task.start_ms));
  entry->set("end_time", time_or_null(task.end_ms));
  if (task.skipped) entry->set("skipped", true);
  if (!task.action_id.empty()) entry->set("action_id", task.action_id);
  return entry;
}

}  // namespace warden::host::http
