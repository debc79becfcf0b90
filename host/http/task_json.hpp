#pragma once

#include "host/config/host_config.hpp"
#include "host/tasks/task_record.hpp"

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <string>

namespace warden::host::http {

/// One entry of `/api/status_task` (seed 004): the task's status, or "Invalid" when unknown.
Poco::JSON::Object::Ptr task_status_json(const std::string& task_id,
                                         const std::optional<TaskRecord>& task);
/// The answer of `/api/result_task`: status, output and how long it ran (until `now_ms` when it
/// has not ended).
Poco::JSON::Object::Ptr task_result_json(const TaskRecord& task, std::int64_t now_ms);
/// One entry of `/api/tasks`, with its condition as a reader may see it.
Poco::JSON::Object::Ptr task_list_json(const TaskRecord& task,
                                       const Poco::JSON::Object::Ptr& masked_condition);
/// One entry of `/api/service_task`'s `services`: its name, and where an external service's tasks
/// are published (`external` null: the host runs it).
Poco::JSON::Object::Ptr service_json(const std::string& service, const SourceDb* external);

}  // namespace warden::host::http
