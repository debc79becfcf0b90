#pragma once

#include "host/runtime/group_commit.hpp"
#include "host/tasks/task_record.hpp"
#include "host/tasks/task_store.hpp"

namespace warden::host {

/// Group commit for task rows (the latest row per task id wins within a batch, keeping an
/// outbox message an earlier one carried).
class TaskJournal : public GroupCommit<TaskRecord> {
 public:
  explicit TaskJournal(TaskStore& store)
      : GroupCommit<TaskRecord>(
            "task", [&store](const std::vector<TaskRecord>& rows) { store.write(rows); },
            [](const TaskRecord& row) { return row.task_id; },
            [](TaskRecord& newer, TaskRecord& older) {
              if (!newer.outbox) newer.outbox = std::move(older.outbox);
            }) {}
};

}  // namespace warden::host
