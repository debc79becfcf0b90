#include "host/http/health_routes.hpp"

namespace warden::host::http {

void add_health_routes(Router& router) {
  router.add("GET", "/healthz", [](const Request&) {
    auto body = object();
    body->set("status", "ok");
    return Response::json(body);
  });
}

}  // namespace warden::host::http
