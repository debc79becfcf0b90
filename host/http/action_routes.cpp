#include "host/http/action_routes.hpp"

#include "host/automation/action_engine.hpp"
#include "host/http/action_json.hpp"
#include "host/http/body_fields.hpp"
#include "host/http/json.hpp"
#include "host/http/request_error_answer.hpp"

#include <Poco/JSON/Array.h>

#include <charconv>

namespace warden::host::http {
namespace {

constexpr std::size_t kMaxTextLength = 256;
constexpr std::size_t kMaxPage = 500;

/// Who answers and why: optional strings of at most 256 characters.
struct Answer {
  std::string by, reason;
};

Answer answer_of(const Request& request) {
  const auto body = body_of(request, true);
  for (const auto& [name, _] : *body)
    if (name != "by" && name != "reason" && name != "rule")
      throw HttpError(400, "\"" + name + "\" is not a field here (known: by, reason)");
  Answer a;
  a.by = optional_string(*body, "by", "by").value_or("");
  a.reason = optional_string(*body, "reason", "reason").value_or("");
  if (a.by.size() > kMaxTextLength || a.reason.size() > kMaxTextLength)
    throw HttpError(400, "\"by\" and \"reason\" are at most 256 characters");
  return a;
}

std::size_t number_param(const Request& request, const char* name, std::size_t high,
                         std::size_t fallback) {
  const auto text = request.query(name);
  if (!text) return fallback;
  std::size_t value = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value > high)
    throw HttpError(400, std::string("\"") + name + "\" must be a whole number from 0 to " +
                             std::to_string(high));
  return value;
}

std::string text_param(const Request& request, const char* name) {
  auto value = request.query(name).value_or("");
  if (value.size() > kMaxTextLength)
    throw HttpError(400, std::string("\"") + name + "\" is longer than 256 characters");
  return value;
}

Response one(const ActionRecord& action) {
  auto body = ok();
  body->set("data", action_to_json(action));
  return Response::json(body);
}

void add_answer_route(Router& router, AutomationApi& automation, const std::string& verb) {
  router.add("POST", "/api/actions/{id}/" + verb, [&automation, verb](const Request& request) {
    const auto a = answer_of(request);
    const auto& id = request.param("id");
    return answer([&] {
      if (verb == "retry") return one(automation.retry(id, a.by));
      if (verb == "skip") return one(automation.skip(id, a.by, a.reason));
      if (verb == "approve") return one(automation.approve(id, a.by, a.reason));
      return one(automation.reject(id, a.by, a.reason));
    });
  });
}

}  // namespace

void add_action_routes(Router& router, AutomationApi& automation) {
  router.add("GET", "/api/actions", [&automation](const Request& request) {
    ActionQuery query;
    query.alert_id = text_param(request, "alert");
    query.policy = text_param(request, "policy");
    query.kind = text_param(request, "kind");
    query.status = text_param(request, "status");
    query.limit = number_param(request, "limit", kMaxPage, 50);
    query.offset = number_param(request, "offset", 1'000'000'000, 0);
    const auto page = automation.list_actions(query);
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const auto& action : page.actions) items->add(action_to_json(action));
    Poco::JSON::Object::Ptr data = new Poco::JSON::Object;
    data->set("total", static_cast<std::int64_t>(page.total));
    data->set("items", items);
    auto body = ok();
    body->set("data", data);
    return Response::json(body);
  });

  router.add("GET", "/api/actions/{id}", [&automation](const Request& request) {
    const auto action = automation.find_action(request.param("id"));
    if (!action) throw HttpError(404, "no action " + request.param("id"));
    return one(*action);
  });

  for (const char* verb : {"retry", "skip", "approve", "reject"})
    add_answer_route(router, automation, verb);

  router.add("POST", "/api/circuit_breaking/replay", [&automation](const Request& request) {
    const auto body = body_of(request, true);
    const auto rule = optional_string(*body, "rule", "rule").value_or("");
    Poco::JSON::Array::Ptr ids = new Poco::JSON::Array;
    for (const auto& id : automation.replay_blocked(rule)) ids->add(id);
    auto out = ok();
    out->set("count", static_cast<int>(ids->size()));
    out->set("data", ids);
    return Response::json(out);
  });
}

}  // namespace warden::host::http
