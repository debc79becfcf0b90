// The bundled `webhook` solution: one HTTP request with a templated body, retried with exponential
// backoff (through `wait_callback`, so no worker waits) while the answer says "try again".
#include <warden/warden.hpp>

#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>

namespace warden::plugins {
namespace {

using std::chrono::milliseconds;

constexpr std::int64_t kMaxRetries = 10;
constexpr milliseconds kFirstBackoff{1'000};
constexpr milliseconds kMaxBackoff{60'000};
constexpr std::int64_t kMaxRetryAfterSeconds = 3'600;
// How much of an answer's body is kept in the result data.
constexpr std::size_t kMaxKeptBodyBytes = 64 * 1024;

/// A condition the task cannot run with; ends the task with failure type "invalid_condition".
class InvalidCondition : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The wait before retry number `retry` (1 for the first): 1 s doubling up to 60 s, less up to a
/// quarter at random, so that tasks failing together do not retry together.
milliseconds backoff(std::int64_t retry) {
  milliseconds ceiling = kFirstBackoff;
  for (std::int64_t i = 1; i < retry && ceiling < kMaxBackoff; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, kMaxBackoff);
  std::mt19937_64 random{std::random_device{}()};
  std::uniform_int_distribution<std::int64_t> jitter(0, ceiling.count() / 4);
  return ceiling - milliseconds(jitter(random));
}

std::string attempts_text(std::int64_t n) {
  return std::to_string(n) + (n == 1 ? " attempt" : " attempts");
}

std::string seconds_text(milliseconds delay) {
  const auto tenths = (delay.count() + 50) / 100;
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " s";
}

/// The task's condition (SPEC §8), read at every attempt (a retry may run in a new object).
struct WebhookSettings {
  std::string url;
  std::string method;
  HttpHeaders headers;
  std::string content_type;
  std::string body_template;
  bool body_is_text = false;  ///< sent as given, not rendered
  std::int64_t retries = 3;

  static WebhookSettings from(const Config& config) {
    WebhookSettings s;
    s.url = config.string("url");
    s.method = config.string_or("method", "POST");
    if (s.method != "POST" && s.method != "PUT" && s.method != "PATCH" && s.method != "GET")
      throw InvalidCondition("method must be POST, PUT, PATCH or GET");
    try {
      s.headers = parse_header_lines(config.string_or("headers", ""));
    } catch (const std::invalid_argument& e) {
      throw InvalidCondition(e.what());
    }
    s.body_template = config.string_or("body", "");
    const std::string body_kind = config.string_or("body_kind", "template");
    if (body_kind != "template" && body_kind != "text")
      throw InvalidCondition("body_kind must be template or text");
    s.body_is_text = body_kind == "text";
    s.retries = config.has("retries") ? config.integer("retries") : 3;
    if (s.retries < 0 || s.retries > kMaxRetries)
      throw InvalidCondition("retries must be between 0 and " + std::to_string(kMaxRetries));
    // A Content-Type line decides; else a body that looks like JSON is sent as JSON.
    s.content_type = header_value(s.headers, "Content-Type");
    if (s.content_type.empty() && s.sends_body()) {
      const std::string start = trimmed(s.body_template).substr(0, 1);
      s.content_type =
          start == "{" || start == "[" ? "application/json" : "text/plain; charset=utf-8";
      s.headers.emplace_back("Content-Type", s.content_type);
    }
    return s;
  }

  bool sends_body() const { return method != "GET" && !body_template.empty(); }
};

/// What a retryable answer looks like: no answer at all, a 5xx, or 429 Too Many Requests.
bool is_retryable(const HttpResponse& response) {
  return !response.error.empty() || response.status >= 500 || response.status == 429;
}

/// The answer's body for the result data: parsed JSON when it is JSON, else the text.
Poco::Dynamic::Var body_of(const HttpResponse& response) {
  const std::string start = trimmed(response.body).substr(0, 1);
  if (response.body.size() <= kMaxKeptBodyBytes &&
      (is_json_media_type(response.header("Content-Type")) || start == "{" || start == "[")) {
    try {
      return Poco::JSON::Parser().parse(response.body);
    } catch (const Poco::Exception&) {
      // not JSON after all: kept as text
    }
  }
  return truncated(response.body, kMaxKeptBodyBytes);
}

/// Why an attempt failed, for logs and comments: the transport error (the host's client names only
/// host and port) or the status (not the reason phrase: servers send what they like there).
std::string why(const HttpResponse& response) {
  if (!response.error.empty()) return response.error;
  return "HTTP " + std::to_string(response.status);
}

}  // namespace

/// `run()` makes the first attempt; the step "retry" makes each further one. The number of attempts
/// made lives in `state()` ("attempts"), the last answer in `output()`.
class WebhookSolution : public Solution {
 public:
  WebhookSolution() {
    step("retry", [this](const Poco::Dynamic::Var&) { attempt(); });
  }

  void run() override {
    state().set("attempts", 0);
    attempt();
  }

 private:
  void attempt() {
    WebhookSettings settings;
    HttpRequest request;
    try {
      settings = WebhookSettings::from(config());
      request = make_request(settings);
    } catch (const InvalidCondition& e) {
      log().warn(e.what());
      set_finished("failure", e.what(), "invalid_condition");
      return;
    }

    const std::int64_t attempts =
        (state().has("attempts") ? state().getValue<std::int64_t>("attempts") : 0) + 1;
    state().set("attempts", attempts);
    const std::string what = settings.method + " " + host_and_port(settings.url);

    const HttpResponse response = http().send(request);
    record(response, attempts);

    if (response.ok()) {
      log().info(what + " answered HTTP " + std::to_string(response.status));
      set_finished("success", what + " answered HTTP " + std::to_string(response.status) +
                                  " after " + attempts_text(attempts));
      return;
    }
    if (is_retryable(response) && attempts <= settings.retries) {
      const milliseconds delay = retry_delay(response, attempts);
      log().warn(what + " failed: " + why(response) + "; retry " + std::to_string(attempts) +
                 " of " + std::to_string(settings.retries) + " in " + seconds_text(delay));
      wait_callback("retry", delay);
      return;
    }
    const std::string comment =
        what + " failed after " + attempts_text(attempts) + ": " + why(response);
    log().warn(comment);
    set_finished("failure", comment, "http_error");
  }

  /// The request of this attempt; throws InvalidCondition when the body template is malformed.
  HttpRequest make_request(const WebhookSettings& settings) {
    HttpRequest request;
    request.method = settings.method;
    request.url = settings.url;
    request.headers = settings.headers;
    if (!settings.sends_body()) return request;
    if (settings.body_is_text) {
      request.body = settings.body_template;
      return request;
    }

    Poco::JSON::Object data;
    Poco::JSON::Object::Ptr task_data = new Poco::JSON::Object;
    task_data->set("task_id", task().task_id);
    task_data->set("service", task().service);
    data.set("task", task_data);
    data.set("condition", config().json_ptr());
    const Escape escape = is_json_media_type(settings.content_type) ? Escape::json : Escape::none;
    Rendered body = templates().render(settings.body_template, data, escape);
    if (!body.ok()) throw InvalidCondition("body: " + body.error);
    request.body = std::move(body.text);
    return request;
  }

  /// The last answer, as `result_task` shows it.
  void record(const HttpResponse& response, std::int64_t attempts) {
    output().set("status", response.status);
    output().set("body", body_of(response));
    output().set("attempts", attempts);
    if (!response.error.empty())
      output().set("error", response.error);
    else
      output().remove("error");
  }

  /// Retry-After (in seconds) when the server sent one, else the backoff for this retry.
  static milliseconds retry_delay(const HttpResponse& response, std::int64_t retry) {
    const std::int64_t after = retry_after_seconds(response.header("Retry-After"));
    if (after >= 0) return std::chrono::seconds(std::min(after, kMaxRetryAfterSeconds));
    return backoff(retry);
  }
};

}  // namespace warden::plugins

WARDEN_PLUGIN(warden::plugins::WebhookSolution, "webhook")
