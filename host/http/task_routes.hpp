#pragma once

#include "host/http/router.hpp"

namespace warden::host {
class TaskManager;
}

namespace warden::host::http {

/// Seed 004's task routes: create_task, status_task, update_status_task, result_task, tasks,
/// start_task, update_task, service_task (all POST, JSON bodies in seed 004's shapes).
void add_task_routes(Router& router, TaskManager& tasks, int max_status_task);

}  // namespace warden::host::http
