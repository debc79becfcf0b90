#include "host/http/work_forwarding.hpp"

#include "host/http/forward.hpp"

#include <Poco/JSON/Parser.h>

namespace warden::host::http {

namespace {

using Locate = std::function<std::optional<std::string>(const Request&)>;

/// `handler`, unless `locate` names another host for the call: then that host's answer.
Handler owned(Handler handler, Locate locate, std::chrono::milliseconds timeout) {
  return
      [handler = std::move(handler), locate = std::move(locate), timeout](const Request& request) {
        if (!request.header(kForwardedHeader)) {
          std::optional<std::string> elsewhere;
          try {
            elsewhere = locate(request);
          } catch (const std::exception&) {
            // A malformed body or an unreadable owner: the handler here says what is wrong.
          }
          if (elsewhere) return forward(request, *elsewhere, timeout);
        }
        return handler(request);
      };
}

/// The body's task id: `task_id` or `data.task_id`.
std::optional<std::string> task_id_in(const Request& request) {
  auto body = request.json();
  if (body->has("task_id") && body->get("task_id").isString())
    return body->getValue<std::string>("task_id");
  if (auto data = body->getObject("data"); data && data->has("task_id"))
    return data->getValue<std::string>("task_id");
  return std::nullopt;
}

}  // namespace

void forward_owned_work(Router& router, WorkOwners& owners, std::chrono::milliseconds timeout) {
  const Locate by_task_id = [&owners](const Request& request) -> std::optional<std::string> {
    auto id = task_id_in(request);
    return id ? owners.of_task(*id) : std::nullopt;
  };
  const auto wrap = [&](const char* method, const char* pattern, Locate locate) {
    router.wrap(method, pattern, [&](Handler handler) {
      return owned(std::move(handler), std::move(locate), timeout);
    });
  };
  wrap("POST", "/api/start_task", by_task_id);
  wrap("POST", "/api/update_task", by_task_id);
  wrap("POST", "/api/update_status_task", by_task_id);
  // A body names its tasks as keys; the first one's host takes them all.
  wrap("POST", "/api/timer_events", [&owners](const Request& request) {
    auto body = request.json();
    const auto names = body->getNames();
    return names.empty() ? std::nullopt : owners.of_task(names.front());
  });
  wrap("GET", "/api/timer_events", [&owners](const Request& request) {
    auto node = request.query("node_id");
    return node ? owners.of_task(*node) : std::nullopt;
  });
  wrap("DELETE", "/api/timer_events/{id}",
       [&owners](const Request& request) { return owners.of_timer_event(request.param("id")); });
}

namespace {

/// The coordinator's answer to `request`, or 503 with Retry-After while none can be reached.
Response to_coordinator(const Request& request, WorkOwners& owners,
                        std::chrono::milliseconds timeout) {
  // A call forwarded here by a host that took this one for the coordinator waits for the next.
  auto address = request.header(kForwardedHeader) ? std::nullopt : owners.coordinator();
  if (!address) {
    auto none = Response::error(
        503,
        "no host coordinates yet (alerts, notices, actions, schedules); try again in a moment");
    none.headers.emplace_back("Retry-After", "1");
    return none;
  }
  return forward(request, *address, timeout);
}

}  // namespace

void forward_to_coordinator(Router& router,
                            const std::vector<std::pair<std::string, std::string>>& routes,
                            std::function<bool()> coordinates, WorkOwners& owners,
                            std::chrono::milliseconds timeout) {
  for (const auto& [method, pattern] : routes) {
    router.wrap(method, pattern, [&](Handler handler) -> Handler {
      return [handler = std::move(handler), coordinates, &owners, timeout](const Request& request) {
        return coordinates() ? handler(request) : to_coordinator(request, owners, timeout);
      };
    });
  }
}

Handler coordinator_calls(std::function<std::shared_ptr<const Router>()> coordinator_routes,
                          WorkOwners& owners, std::chrono::milliseconds timeout) {
  return [coordinator_routes = std::move(coordinator_routes), &owners,
          timeout](const Request& request) {
    if (auto routes = coordinator_routes()) {
      Request copy = request;
      return routes->dispatch(copy);
    }
    return to_coordinator(request, owners, timeout);
  };
}

}  // namespace warden::host::http
