#pragma once

#include <warden/http_client.hpp>
#include <warden/json_value.hpp>
#include <warden/solution.hpp>

#include <Poco/Dynamic/Var.h>

#include <cstdint>
#include <optional>
#include <string>

namespace warden::host {

/// A `wait_polling_callback` in progress: what to ask, until when, and how far it got. Persisted
/// with the task (as JSON), so a restarted host goes on polling where the last one stopped.
struct PollWait {
  std::string url;
  std::string method = "GET";
  std::string body;
  std::int64_t interval_ms = 5'000;
  std::int64_t timeout_ms = 300'000;
  int max_attempts = 0;  ///< 0: only the timeout limits it
  std::string field;     ///< dotted path into the JSON answer; empty: any 2xx answer will do
  std::string equals;
  int attempts = 0;           ///< made so far
  std::int64_t until_ms = 0;  ///< when the wait gives up (first attempt + timeout)
  std::string last_error;     ///< why the last attempt did not count, for the operator

  static PollWait from_options(const std::string& url, const PollOptions& options,
                               std::int64_t now_ms);
  std::string to_json() const;
  /// Throws std::invalid_argument when `json` is not a PollWait.
  static PollWait from_json(const std::string& json);

  /// Makes one attempt with `http`. Returns the answer for the step when the condition holds
  /// (the JSON body, or the body's text when it is not JSON and no field was asked for);
  /// nullopt otherwise, with `last_error` saying why. Counts the attempt.
  std::optional<Poco::Dynamic::Var> attempt(HttpClient& http);
  /// True when no further attempt may be made at or after `now_ms`.
  bool exhausted(std::int64_t now_ms) const;
  /// When the next attempt is due, after one made at `now_ms`.
  std::int64_t next_attempt_ms(std::int64_t now_ms) const { return now_ms + interval_ms; }
};

}  // namespace warden::host
