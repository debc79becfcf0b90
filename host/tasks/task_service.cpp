#include "host/tasks/task_service.hpp"

namespace warden::host {

TaskManagerOptions TaskService::options_from(const HostConfig& config) {
  TaskManagerOptions options;
  options.workers = config.workers;
  options.default_timeout_ms = std::int64_t{config.task_timeout} * 1000;
  for (const auto& [service, seconds] : config.task_timeouts)
    options.service_timeout_ms[service] = std::int64_t{seconds} * 1000;
  options.services = config.services;
  options.source_db = config.source_db;
  return options;
}

TaskService::TaskService(Database& database, PluginRegistry& registry,
                         const SharedServices& services, TaskManagerOptions options)
    : store_(database), manager_(store_, registry, services, std::move(options)) {}

}  // namespace warden::host
