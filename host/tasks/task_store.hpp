#pragma once

#include "host/tasks/task_record.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace warden::host {

class Database;
class PgWriterSlot;

/// Which tasks `TaskStore::list` returns: newest first, `page` counted from 1.
struct TaskQuery {
  std::optional<std::string> task_id;  ///< one task (the console's detail page)
  std::optional<std::string> service;
  std::optional<TaskStatus> status;
  int page = 1;
  int page_size = 10;
};

struct TaskPage {
  std::int64_t total = 0;  ///< every task that matches, across pages
  std::vector<TaskRecord> tasks;
};

/// Where tasks live. One interface, so that the SQL behind it can change (SQLite, PostgreSQL)
/// without the task manager knowing. Thread-safe; every method throws on a database error.
class TaskStore {
 public:
  virtual ~TaskStore() = default;
  /// Inserts or replaces every row, all in one transaction (the unit of group commit).
  virtual void write(const std::vector<TaskRecord>& rows) = 0;
  virtual std::optional<TaskRecord> find(const std::string& task_id) = 0;
  /// The tasks among `task_ids` that exist, in no particular order.
  virtual std::vector<TaskRecord> find_many(const std::vector<std::string>& task_ids) = 0;
  virtual TaskPage list(const TaskQuery& query) = 0;
  /// Every `waiting` or `running` task this host owns, oldest first: what a starting host picks
  /// up again.
  virtual std::vector<TaskRecord> unfinished() = 0;
  /// Takes over up to `limit` `waiting` or `running` tasks of hosts whose lease was fenced (see
  /// WorkFence), oldest first, and answers them as now owned by this host; their timer events
  /// move with them (TimerStore::events_of). `with_actions`: also the tasks automation actions
  /// made (only the coordinator hears how those end).
  virtual std::vector<TaskRecord> claim(std::size_t limit, bool with_actions) = 0;
};

/// The tasks table through Poco Data, with parameterised, portable SQL.
class SqlTaskStore : public TaskStore {
 public:
  explicit SqlTaskStore(Database& database);
  ~SqlTaskStore() override;

  void write(const std::vector<TaskRecord>& rows) override;
  std::optional<TaskRecord> find(const std::string& task_id) override;
  std::vector<TaskRecord> find_many(const std::vector<std::string>& task_ids) override;
  TaskPage list(const TaskQuery& query) override;
  std::vector<TaskRecord> unfinished() override;
  std::vector<TaskRecord> claim(std::size_t limit, bool with_actions) override;

 private:
  Database& database_;
  std::unique_ptr<PgWriterSlot> pg_;  ///< PostgreSQL: writes go through libpq's pipeline
};

}  // namespace warden::host
