#include "host/http/solution_routes.hpp"

#include "host/automation/saved_solutions.hpp"
#include "host/http/json.hpp"
#include "host/http/request_error_answer.hpp"
#include "host/http/saved_solution_json.hpp"

#include <Poco/JSON/Array.h>

namespace warden::host::http {
namespace {

HttpError unknown(const std::string& name) {
  return HttpError(404, "unknown saved solution \"" + name + "\"");
}

}  // namespace

void add_solution_routes(Router& router, SavedSolutions& solutions) {
  router.add("GET", "/api/solutions", [&solutions](const Request&) {
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    const auto all = solutions.list();
    for (const auto& solution : all) list->add(saved_solution_json(solutions, *solution));
    auto body = ok();
    body->set("count", static_cast<int>(all.size()));
    body->set("data", list);
    return Response::json(body);
  });

  router.add("GET", "/api/solutions/{name}", [&solutions](const Request& request) {
    const auto& name = request.param("name");
    const auto solution = solutions.find(name);
    if (!solution) throw unknown(name);
    auto body = ok();
    body->set("data", saved_solution_json(solutions, *solution));
    return Response::json(body);
  });

  router.add("PUT", "/api/solutions/{name}", [&solutions](const Request& request) {
    return answer([&] {
      const auto solution = solutions.put(request.param("name"), *request.json());
      auto body = ok();
      body->set("data", saved_solution_json(solutions, *solution));
      return Response::json(body);
    });
  });

  router.add("DELETE", "/api/solutions/{name}", [&solutions](const Request& request) {
    return answer([&] {
      const auto& name = request.param("name");
      if (!solutions.remove(name)) throw unknown(name);
      return Response::json(ok());
    });
  });
}

}  // namespace warden::host::http
