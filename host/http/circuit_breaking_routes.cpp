#include "host/http/circuit_breaking_routes.hpp"

#include "host/alerts/circuit_breaker.hpp"
#include "host/http/channel_json.hpp"
#include "host/runtime/clock.hpp"

#include <Poco/JSON/Array.h>

namespace warden::host::http {
namespace {

Response rules_answer(const std::vector<BreakRule>& rules) {
  const auto now = now_ms();
  Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
  for (const auto& rule : rules) list->add(break_rule_json(rule, now));
  auto body = ok();
  body->set("count", static_cast<int>(rules.size()));
  body->set("data", list);
  return Response::json(body);
}

}  // namespace

void add_circuit_breaking_routes(Router& router, CircuitBreaker& breaker) {
  router.add("GET", "/api/circuit_breaking",
             [&breaker](const Request&) { return rules_answer(breaker.rules()); });

  router.add("PUT", "/api/circuit_breaking", [&breaker](const Request& request) {
    std::map<std::string, std::string> errors;
    auto rules = break_rules_from_json(*request.json(), errors);
    if (!errors.empty()) throw HttpError(400, "invalid circuit-breaking rules", errors);
    breaker.replace(std::move(rules));
    return rules_answer(breaker.rules());
  });

  router.add("DELETE", "/api/circuit_breaking", [&breaker](const Request&) {
    breaker.clear();
    return rules_answer({});
  });
}

}  // namespace warden::host::http
