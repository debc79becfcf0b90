// Circuit-breaking rules over HTTP. A rule:
//   {"id": "storm"?, "description": "..."?, "module": "notice" | "action" | "all" (default notice),
//    "conditions": [{"key": "strategy_id", "method": "eq" | "neq"?, "value": ["1", 2] | "1"}],
//    "end_time": "2026-12-01T08:00:00Z"?}
// ("values" is read as "value"), answered with "active" (false once its end_time passed).
//   GET    /api/circuit_breaking              -> {"result","count","data":[rule...]}
//   PUT    /api/circuit_breaking              {"rules":[rule...]} replaces every rule; the list
//   DELETE /api/circuit_breaking              removes every rule; the (empty) list
//   DELETE /api/circuit_breaking?module=M     removes the rules of module M (exactly: `action`
//                                             keeps the `all` rules); the rules that remain
//   POST   /api/circuit_breaking/rules        one rule -> 201 {"result","data":rule} (its id
//                                             generated when not given; 409 when the id is used)
//   DELETE /api/circuit_breaking/rules/{id}   removes one rule -> {"result","data":rule}; 404
// A bad rule answers 400 naming every bad field (`rules[0].conditions`, or `conditions` for POST).
#include "host/http/circuit_breaking_routes.hpp"

#include "host/alerts/circuit_breaker.hpp"
#include "host/http/channel_json.hpp"
#include "host/http/request_error_answer.hpp"
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

Response rule_answer(const BreakRule& rule, int status = 200) {
  auto body = ok();
  body->set("data", break_rule_json(rule, now_ms()));
  return Response::json(body, status);
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

  router.add("DELETE", "/api/circuit_breaking", [&breaker](const Request& request) {
    const auto module = request.query("module");
    if (!module) {
      breaker.clear();
      return rules_answer({});
    }
    if (!is_break_module(*module))
      throw HttpError(400, "query parameter \"module\" must be notice, action or all",
                      {{"module", "must be notice, action or all"}});
    breaker.clear(*module);
    return rules_answer(breaker.rules());
  });

  router.add("POST", "/api/circuit_breaking/rules", [&breaker](const Request& request) {
    return answer([&] {
      std::map<std::string, std::string> errors;
      auto rule = break_rule_from_json(*request.json(), "", errors);
      if (!errors.empty()) throw HttpError(400, "invalid circuit-breaking rule", errors);
      return rule_answer(breaker.add(std::move(rule)), 201);
    });
  });

  router.add("DELETE", "/api/circuit_breaking/rules/{id}", [&breaker](const Request& request) {
    const auto& id = request.param("id");
    for (const auto& rule : breaker.rules())
      if (rule.id == id && breaker.remove(id)) return rule_answer(rule);
    throw HttpError(404, "no circuit-breaking rule \"" + id + "\"");
  });
}

}  // namespace warden::host::http
