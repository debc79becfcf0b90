#pragma once

#include "host/http/router.hpp"
#include "host/store/work_owners.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace warden::host::http {

/// Several hosts on one database (docs/ARCHITECTURE.md, "Several hosts"): the calls that change a
/// task (start_task, update_task, update_status_task) or its timer events go on to the host that
/// runs the task, so that one host alone changes it. A call already forwarded is answered here.
void forward_owned_work(Router& router, WorkOwners& owners, std::chrono::milliseconds timeout);

/// Sends the calls `routes` ({method, pattern}) on to the coordinator while this host does not
/// coordinate (schedules: the coordinator arms them).
void forward_to_coordinator(Router& router,
                            const std::vector<std::pair<std::string, std::string>>& routes,
                            std::function<bool()> coordinates, WorkOwners& owners,
                            std::chrono::milliseconds timeout);

/// What a host answers with every call its own routes do not take (alerts, notices, channels,
/// policies, actions): the coordinator's routes while this host coordinates (`coordinator_routes`
/// answers them, else null), else the coordinator's answer, or 503 with Retry-After while no host
/// coordinates.
Handler coordinator_calls(std::function<std::shared_ptr<const Router>()> coordinator_routes,
                          WorkOwners& owners, std::chrono::milliseconds timeout);

}  // namespace warden::host::http
