#pragma once

#include "host/config/host_config.hpp"
#include "host/tasks/task_manager.hpp"
#include "host/tasks/task_store.hpp"

namespace warden::host {

class Database;

/// Everything tasks need, made in the right order over one database: the task store and the
/// manager (with its journal). `start` picks up the tasks a previous run left waiting or running;
/// `stop` lets running steps end and their boundaries be committed.
class TaskService {
 public:
  /// The options `config` gives: workers, timeouts, solutions offered and source databases.
  static TaskManagerOptions options_from(const HostConfig& config);

  TaskService(Database& database, PluginRegistry& registry, const SharedServices& services,
              TaskManagerOptions options);
  ~TaskService() { stop(); }
  TaskService(const TaskService&) = delete;
  TaskService& operator=(const TaskService&) = delete;

  void start() { manager_.start(); }
  void stop() { manager_.stop(); }

  TaskManager& manager() { return manager_; }
  TaskStore& store() { return store_; }

 private:
  SqlTaskStore store_;
  TaskManager manager_;
};

}  // namespace warden::host
