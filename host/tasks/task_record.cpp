#include "host/tasks/task_record.hpp"

namespace warden::host {

std::string_view to_string(TaskStatus status) {
  switch (status) {
    case TaskStatus::ready:
      return "ready";
    case TaskStatus::waiting:
      return "waiting";
    case TaskStatus::running:
      return "running";
    case TaskStatus::finished:
      return "finished";
    case TaskStatus::failed:
      return "failed";
  }
  return "failed";
}

std::optional<TaskStatus> parse_task_status(std::string_view text) {
  for (auto s : {TaskStatus::ready, TaskStatus::waiting, TaskStatus::running, TaskStatus::finished,
                 TaskStatus::failed}) {
    if (to_string(s) == text) return s;
  }
  return std::nullopt;
}

std::string_view to_string(TaskWait wait) {
  switch (wait) {
    case TaskWait::none:
      return "";
    case TaskWait::callback:
      return "callback";
    case TaskWait::poll:
      return "poll";
    case TaskWait::external:
      return "external";
  }
  return "";
}

TaskWait parse_task_wait(std::string_view text) {
  if (text == "callback") return TaskWait::callback;
  if (text == "poll") return TaskWait::poll;
  if (text == "external") return TaskWait::external;
  return TaskWait::none;
}

}  // namespace warden::host
