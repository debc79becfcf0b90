#pragma once

#include "host/queue/outbox_message.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace warden::host {

/// A task's life (seed 004): `ready` (created, not queued), `waiting` (queued), `running` (a step
/// runs, or the task waits on a callback or a poll), then `finished` or `failed`.
enum class TaskStatus { ready, waiting, running, finished, failed };

std::string_view to_string(TaskStatus status);
/// Nullopt for any other text.
std::optional<TaskStatus> parse_task_status(std::string_view text);
inline bool is_terminal(TaskStatus s) {
  return s == TaskStatus::finished || s == TaskStatus::failed;
}
inline bool is_queued_or_running(TaskStatus s) {
  return s == TaskStatus::waiting || s == TaskStatus::running;
}

/// What a running task waits for between two steps; `external`: an external worker reported it
/// running (update_status_task), so the host does not run it and waits for that worker's report.
enum class TaskWait { none, callback, poll, external };
std::string_view to_string(TaskWait wait);
TaskWait parse_task_wait(std::string_view text);

/// One task as it is stored. JSON values are kept as text, so a record can be copied between
/// threads freely. Times are milliseconds since the Unix epoch; 0 means "not yet".
struct TaskRecord {
  std::string task_id;  ///< ts_<service>_<uuid>
  std::string service;  ///< the solution's key
  std::string source_name;
  std::string condition = "{}";  ///< the validated condition (JSON object)
  TaskStatus status = TaskStatus::waiting;
  std::int64_t create_ms = 0;
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  /// The message that came with each status (seed 004's `status_message`).
  std::map<std::string, std::string> messages;
  std::string failure_type;   ///< set_finished's failure_type, or the host's cause ("timeout", …)
  std::string result = "{}";  ///< what the solution recorded with output() (JSON object)

  // Where the solution is, persisted at every step boundary.
  std::string step;          ///< the step to run next; empty: run()
  std::string state = "{}";  ///< the solution's state() (JSON object)
  TaskWait wait = TaskWait::none;
  std::int64_t wake_ms = 0;  ///< when the callback is due, or the next poll attempt
  std::string poll;          ///< the poll being waited on (JSON, see PollWait)
  std::string answer;        ///< JSON answer handed to `step` when it runs; empty: none
  /// How many times the host stopped while `step` ran (or was about to run): counted at
  /// start-up, reset when a step ends. At two the step is not run again (a plugin that takes the
  /// host down would otherwise do so at every start).
  int interrupted = 0;

  std::int64_t timeout_ms = 0;   ///< the whole run's limit; 0: none
  std::int64_t deadline_ms = 0;  ///< start_ms + timeout_ms once started
  /// Bumped whenever the task is started again or ended from outside, so that what the previous
  /// run left behind (a timer, a poll, a step still executing) recognises itself as stale.
  std::int64_t generation = 0;
  /// Ended by a `forced_fail_and_skip` timer: the task failed, and whatever waits on it should
  /// carry on as if it had finished (status_task and result_task show `skipped: true`).
  bool skipped = false;

  /// Set when an automation action made the task: the action (`ac_<uuid>`) and the alert that
  /// caused it (alert_to_json as text; the solution's alarm()). Empty otherwise.
  std::string action_id;
  std::string alarm;

  /// The external worker that reported the task running (update_status_task's `worker`): only
  /// it may report on this run. Empty: none claimed it.
  std::string worker;
  /// Not a column: seed 004's message for this run, written to the outbox in the same
  /// transaction as this row (a task of an external service, queued).
  std::shared_ptr<const OutboxMessage> outbox;

  /// The message of the current status, or "".
  std::string message() const {
    auto it = messages.find(std::string(to_string(status)));
    return it == messages.end() ? std::string() : it->second;
  }
};

}  // namespace warden::host
