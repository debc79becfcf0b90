#pragma once

#include "host/config/host_config.hpp"
#include "host/queue/outbox_message.hpp"
#include "host/tasks/task_record.hpp"

#include <string>

namespace warden::host {

/// A service with a `source_db.<service>.topic_name` is external: its tasks are published to that
/// Kafka topic for workers outside the host, which report back through update_status_task.
inline bool is_external(const SourceDb& source) {
  return !source.topic_name.empty();
}

/// Seed 004's message body, exactly: `{"Task":{"task_id":…,"service":…,"source_name":…,
/// "condition":{…}}}` (compact UTF-8 JSON, keys in that order).
std::string external_task_payload(const TaskRecord& task);

/// The outbox message for the run `task.generation` of an external task: the payload above, the
/// task id as key; facts beyond seed 004's only in headers (`warden-generation`,
/// `warden-consumer-id`). Dated `now_ms`.
OutboxMessage external_task_message(const TaskRecord& task, const SourceDb& source,
                                    std::int64_t now_ms);

}  // namespace warden::host
