#include "host/tasks/poll_wait.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/URI.h>

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace warden::host {
PollWait PollWait::from_options(const std::string& url, const PollOptions& options,
                                std::int64_t now_ms) {
  PollWait wait;
  wait.url = url;
  wait.method = options.method.empty() ? "GET" : options.method;
  wait.body = options.body;
  // Clamped to about 100 years, so that no due time can overflow.
  constexpr std::int64_t kMaxMs = 100LL * 366 * 24 * 3600 * 1000;
  wait.interval_ms = std::clamp<std::int64_t>(options.interval.count(), 1, kMaxMs);
  wait.timeout_ms = std::clamp<std::int64_t>(options.timeout.count(), 0, kMaxMs);
  wait.max_attempts = std::max(0, options.max_attempts);
  wait.field = options.field;
  wait.equals = options.equals;
  wait.until_ms = now_ms + wait.timeout_ms;
  return wait;
}

std::string PollWait::to_json() const {
  Poco::JSON::Object o;
  o.set("url", url);
  o.set("method", method);
  o.set("body", body);
  o.set("interval_ms", interval_ms);
  o.set("timeout_ms", timeout_ms);
  o.set("max_attempts", max_attempts);
  o.set("field", field);
  o.set("equals", equals);
  o.set("attempts", attempts);
  o.set("until_ms", until_ms);
  o.set("last_error", last_error);
  std::ostringstream out;
  o.stringify(out);
  return out.str();
}

PollWait PollWait::from_json(const std::string& json) {
  try {
    auto o = Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
    PollWait w;
    w.url = o->getValue<std::string>("url");
    w.method = o->getValue<std::string>("method");
    w.body = o->getValue<std::string>("body");
    w.interval_ms = o->getValue<std::int64_t>("interval_ms");
    w.timeout_ms = o->getValue<std::int64_t>("timeout_ms");
    w.max_attempts = o->getValue<int>("max_attempts");
    w.field = o->getValue<std::string>("field");
    w.equals = o->getValue<std::string>("equals");
    w.attempts = o->getValue<int>("attempts");
    w.until_ms = o->getValue<std::int64_t>("until_ms");
    w.last_error = o->optValue<std::string>("last_error", "");
    return w;
  } catch (const Poco::Exception& e) {
    throw std::invalid_argument("a stored poll is malformed: " + e.displayText());
  }
}

std::optional<Poco::Dynamic::Var> PollWait::attempt(HttpClient& http) {
  ++attempts;
  HttpRequest request;
  request.method = method;
  request.url = url;
  request.body = body;
  if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
  request.timeout = std::chrono::milliseconds(std::clamp<std::int64_t>(interval_ms, 1'000, 30'000));
  auto response = http.send(request);
  if (!response.error.empty()) {
    last_error = response.error;
    return std::nullopt;
  }
  if (!response.ok()) {
    last_error = method + " " + host_and_port(url) + " answered " + std::to_string(response.status);
    return std::nullopt;
  }
  Poco::Dynamic::Var answer;
  try {
    answer = Poco::JSON::Parser().parse(response.body);
  } catch (const Poco::Exception&) {
    if (field.empty()) return Poco::Dynamic::Var(response.body);
    last_error = method + " " + host_and_port(url) + " answered with a body that is not JSON";
    return std::nullopt;
  }
  if (field.empty()) return answer;
  auto value = json_at(answer, field);
  if (!value) {
    last_error = "the answer has no field \"" + field + "\"";
    return std::nullopt;
  }
  auto text = json_text(*value);
  if (text != equals) {
    last_error = "\"" + field + "\" is " + text + ", not " + equals;
    return std::nullopt;
  }
  last_error.clear();
  return answer;
}

bool PollWait::exhausted(std::int64_t now_ms) const {
  if (max_attempts > 0 && attempts >= max_attempts) return true;
  return now_ms >= until_ms;
}

}  // namespace warden::host
