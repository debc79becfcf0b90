#include "host/http/policy_routes.hpp"

#include "host/automation/policy_book.hpp"
#include "host/http/json.hpp"
#include "host/http/policy_json.hpp"
#include "host/http/request_error_answer.hpp"

#include <Poco/JSON/Array.h>

namespace warden::host::http {
namespace {

HttpError unknown(const std::string& name) {
  return HttpError(404, "unknown policy \"" + name + "\"");
}

}  // namespace

void add_policy_routes(Router& router, PolicyBook& policies) {
  router.add("GET", "/api/policies", [&policies](const Request&) {
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    const auto all = policies.list();
    for (const auto& stored : all) list->add(policy_json(stored));
    auto body = ok();
    body->set("count", static_cast<int>(all.size()));
    body->set("data", list);
    return Response::json(body);
  });

  router.add("GET", "/api/policies/{name}", [&policies](const Request& request) {
    const auto& name = request.param("name");
    const auto stored = policies.get(name);
    if (!stored) throw unknown(name);
    auto body = ok();
    body->set("data", policy_json(*stored));
    return Response::json(body);
  });

  router.add("PUT", "/api/policies/{name}", [&policies](const Request& request) {
    return answer([&] {
      const auto stored = policies.put(request.param("name"), *request.json());
      auto body = ok();
      body->set("data", policy_json(stored));
      return Response::json(body);
    });
  });

  router.add("DELETE", "/api/policies/{name}", [&policies](const Request& request) {
    const auto& name = request.param("name");
    if (!policies.remove(name)) throw unknown(name);
    return Response::json(ok());
  });
}

}  // namespace warden::host::http
