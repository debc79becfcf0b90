#include "host/tasks/external_task.hpp"

#include "host/runtime/ids.hpp"
#include "host/services/json_string_escape.hpp"

namespace warden::host {
namespace {

std::string quoted(const std::string& text) {
  return "\"" + json_string_escape(text) + "\"";
}

}  // namespace

std::string external_task_payload(const TaskRecord& task) {
  // The condition is stored compact (compact_json), so it is pasted as it is.
  return R"({"Task":{"task_id":)" + quoted(task.task_id) + R"(,"service":)" + quoted(task.service) +
         R"(,"source_name":)" + quoted(task.source_name) + R"(,"condition":)" +
         (task.condition.empty() ? std::string("{}") : task.condition) + "}}";
}

OutboxMessage external_task_message(const TaskRecord& task, const SourceDb& source,
                                    std::int64_t now_ms) {
  OutboxMessage m;
  m.id = uuid_v7(now_ms);
  m.topic = source.topic_name;
  m.key = task.task_id;
  m.payload = external_task_payload(task);
  m.headers.emplace_back("warden-generation", std::to_string(task.generation));
  if (!source.consumer_id.empty()) m.headers.emplace_back("warden-consumer-id", source.consumer_id);
  m.created_ms = now_ms;
  return m;
}

}  // namespace warden::host
