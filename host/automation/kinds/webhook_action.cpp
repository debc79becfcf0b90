#include "host/automation/kinds/webhook_action.hpp"
#include "host/automation/sample_alert.hpp"

#include "host/automation/kinds/action_params.hpp"
#include "host/plugins/plugin_registry.hpp"
#include "host/tasks/task_manager.hpp"

#include <warden/http_client.hpp>
#include <warden/text.hpp>

#include <Poco/JSON/Parser.h>

#include <exception>
#include <stdexcept>

namespace warden::host {
namespace {

constexpr std::size_t kMaxUrlBytes = 8 * 1024;
constexpr std::size_t kMaxHeadersBytes = 16 * 1024;
constexpr std::size_t kMaxBodyBytes = 128 * 1024;

/// The request as the params give it (texts; the webhook solution's fields check them).
struct Request {
  std::string url, method = "POST", headers, body;
};

Request request_of(const Poco::JSON::Object& params, const std::string& place,
                   ParamErrors& errors) {
  Request r;
  if (auto url = read_text(params, "url", place, kMaxUrlBytes, errors)) r.url = *url;
  if (auto method = read_text(params, "method", place, 16, errors)) r.method = *method;
  if (auto headers = read_text(params, "headers", place, kMaxHeadersBytes, errors))
    r.headers = *headers;
  if (auto body = read_text(params, "body", place, kMaxBodyBytes, errors)) r.body = *body;
  return r;
}

/// Whether the body is JSON, as the webhook solution decides its Content-Type.
bool json_body(const Request& r) {
  std::string content_type;
  try {
    content_type = header_value(parse_header_lines(r.headers), "Content-Type");
  } catch (const std::invalid_argument&) {
    // a malformed header line: the solution's fields refuse it
  }
  if (!content_type.empty()) return is_json_media_type(content_type);
  const auto start = trimmed(r.body).substr(0, 1);
  return start == "{" || start == "[";
}

Poco::JSON::Object::Ptr condition_of(const Request& r, const std::string& rendered_body) {
  Poco::JSON::Object::Ptr condition = new Poco::JSON::Object;
  condition->set("url", r.url);
  condition->set("method", r.method);
  if (!r.headers.empty()) condition->set("headers", r.headers);
  condition->set("body", rendered_body);
  condition->set("body_kind", "text");
  condition->set("retries", 0);
  return condition;
}

}  // namespace

void WebhookAction::check(const Poco::JSON::Object& params, const Alert& sample,
                          const std::string& place,
                          std::map<std::string, std::string>& errors) const {
  refuse_unknown(params, {"url", "method", "headers", "body"}, "webhook", place, errors);
  if (!has_param(params, "url")) errors[place_of(place, "url")] = "required: the URL to call";
  const auto solution = registry_.find(kSolution);
  if (!solution || !solution->loaded()) {
    errors[place_of(place, "kind")] = "the bundled webhook solution is not loaded";
    return;
  }
  ParamErrors mine;
  const auto request = request_of(params, place, mine);
  errors.insert(mine.begin(), mine.end());
  if (!mine.empty()) return;
  const auto body_place = place_of(place, "body");
  const bool json = json_body(request);
  const auto body = render_checked(renderer_, request.body, *sample_action_data(sample),
                                   json ? Escape::json : Escape::none, body_place, errors);
  if (!body) return;
  if (json && !body->empty()) {
    try {
      Poco::JSON::Parser().parse(*body);
    } catch (const Poco::Exception& e) {
      errors[body_place] = "a JSON body must render as JSON; with the sample alert it does not (" +
                           e.message() + "): " + body->substr(0, 200);
    }
  }
  try {
    tasks_.check_condition(kSolution, *condition_of(request, *body));
  } catch (const RequestError& e) {
    if (e.errors().empty()) errors[place_of(place, "kind")] = e.what();
    for (const auto& [field, problem] : e.errors()) errors[place_of(place, field)] = problem;
  }
}

ActionAttempt WebhookAction::run(const ActionInput& input) const noexcept {
  ActionAttempt attempt;
  try {
    ParamErrors errors;
    const auto request = request_of(*params_of(input.action), "", errors);
    if (!errors.empty()) {
      attempt.message = errors_text("the webhook's params cannot be read", errors);
      return attempt;
    }
    auto body = renderer_.render(request.body, *input.data,
                                 json_body(request) ? Escape::json : Escape::none);
    if (!body.ok()) {
      attempt.message = "the body template does not render: " + body.error;
      return attempt;
    }
    attempt.task_id =
        tasks_.create(kSolution, *condition_of(request, body.text), timeout_ms_of(input.action),
                      true, TaskOrigin{input.action.id, input.alert});
    attempt.outcome = ActionAttempt::Outcome::pending;
    attempt.message =
        "task " + attempt.task_id + ": " + request.method + " " + host_and_port(request.url);
  } catch (const RequestError& e) {
    attempt.message = errors_text(e.what(), e.errors());
  } catch (const std::exception& e) {
    attempt.message = std::string("the webhook could not be started: ") + e.what();
  } catch (...) {
    attempt.message = "the webhook could not be started";
  }
  return attempt;
}

}  // namespace warden::host
