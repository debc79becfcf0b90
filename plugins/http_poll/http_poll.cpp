// The bundled `http_poll` solution: has the host poll a URL until a field of its JSON answer
// equals a value, then finishes (success), or finishes with failure "timeout" when it never does.
#include <warden/warden.hpp>

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace warden::plugins {
namespace {

using Poco::Dynamic::Var;

// A duration the host can hold in milliseconds without overflow.
constexpr std::int64_t kMaxSeconds = std::numeric_limits<std::int64_t>::max() / 1000;
// How much of an unexpected value a comment quotes.
constexpr std::size_t kMaxQuotedBytes = 200;

std::string quoted(std::string text) {
  if (text.size() > kMaxQuotedBytes) {
    std::size_t end = kMaxQuotedBytes;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    text = text.substr(0, end) + "…";
  }
  return "\"" + text + "\"";
}

/// The answer as JSON: the host hands over parsed JSON; a text answer is parsed here.
Var as_json(const Var& answer) {
  if (!answer.isString()) return answer;
  try {
    return Poco::JSON::Parser().parse(answer.extract<std::string>());
  } catch (const Poco::Exception&) {
    return answer;
  }
}

/// The task's condition (SPEC §8), read by `run()` and again by the step "check", possibly in
/// another object after a restart.
struct PollSettings {
  std::string url;
  std::string field;
  std::string equals;
  std::int64_t interval_s = 5;
  std::int64_t timeout_s = 300;

  static PollSettings from(const Config& config) {
    PollSettings s;
    s.url = config.string("url");
    s.field = trimmed(config.string("field"));
    s.equals = trimmed(config.string("equals"));
    s.interval_s = config.has("interval") ? config.integer("interval") : 5;
    s.timeout_s = config.has("timeout") ? config.integer("timeout") : 300;
    return s;
  }

  /// What is wrong with the settings, or "" (the manifest cannot say "at least 1 s").
  std::string problem() const {
    if (field.empty() || field.front() == '.' || field.back() == '.' ||
        field.find("..") != std::string::npos)
      return "field must be a dotted path such as status.phase";
    if (interval_s < 1 || interval_s > kMaxSeconds) return "interval must be at least 1 s";
    if (timeout_s < 1 || timeout_s > kMaxSeconds) return "timeout must be at least 1 s";
    return {};
  }

  std::string expectation() const { return field + " = " + equals; }
};

}  // namespace

/// `run()` hands the poll to the host; the step "check" gets the answer that matched, or null when
/// the timeout passed, and checks the answer itself before it calls the task a success.
class HttpPollSolution : public Solution {
 public:
  HttpPollSolution() {
    step("check", [this](const Var& answer) { check(answer); });
  }

  void run() override {
    const PollSettings s = PollSettings::from(config());
    if (const std::string problem = s.problem(); !problem.empty()) {
      set_finished("failure", problem, "invalid_condition");
      return;
    }
    PollOptions options;
    options.interval = std::chrono::seconds(s.interval_s);
    options.timeout = std::chrono::seconds(s.timeout_s);
    options.field = s.field;
    options.equals = s.equals;
    log().info("polling " + host_and_port(s.url) + " every " + std::to_string(s.interval_s) +
               " s until " + s.expectation() + ", for at most " + std::to_string(s.timeout_s) +
               " s");
    wait_polling_callback("check", s.url, std::move(options));
  }

 private:
  void check(const Var& raw_answer) {
    const PollSettings s = PollSettings::from(config());
    const std::string where = host_and_port(s.url);
    if (raw_answer.isEmpty()) {
      set_finished("failure",
                   where + " did not answer with " + s.expectation() + " within " +
                       std::to_string(s.timeout_s) + " s",
                   "timeout");
      return;
    }
    const Var answer = as_json(raw_answer);
    output().set("answer", answer);
    const auto value = json_at(answer, s.field);
    if (!value) {
      set_finished("failure", where + " answered without " + s.field, "unexpected_answer");
      return;
    }
    const std::string text = json_text(*value);
    if (text != s.equals) {
      set_finished(
          "failure",
          where + " answered " + s.field + " = " + quoted(text) + ", not " + quoted(s.equals),
          "unexpected_answer");
      return;
    }
    set_finished("success", where + " answered with " + s.expectation());
  }
};

}  // namespace warden::plugins

WARDEN_PLUGIN(warden::plugins::HttpPollSolution, "http_poll")
