#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <map>
#include <string>

namespace warden::host {

/// How the notice pipeline delivers through one channel instance. JSON: the instance's
/// `"delivery"` object, times in seconds (decimals allowed).
struct DeliveryPolicy {
  int attempts = 3;                      ///< tries in all before a notice is `failed` (1: no retry)
  std::int64_t backoff_ms = 1'000;       ///< the delay before the first retry; doubles each time
  std::int64_t max_backoff_ms = 60'000;  ///< the cap of a retry's delay (Retry-After included)
  std::int64_t timeout_ms = 10'000;      ///< one request to the vendor: connect, send, receive
  std::int64_t dedupe_window_ms = 0;     ///< 0: no aggregation; else alerts with one dedupe key
                                         ///< inside the window become one notice
  int concurrency = 4;                   ///< deliveries in flight at once through this instance

  /// Reads `"delivery"`; fields left out keep their defaults. Problems go into `errors` keyed
  /// `delivery.<field>`.
  static DeliveryPolicy from_json(const Poco::JSON::Object& json,
                                  std::map<std::string, std::string>& errors);
  /// The policy as the channel store keeps it (what from_json reads back). Answers build their
  /// own shape in http/ (channel_json).
  Poco::JSON::Object::Ptr to_json() const;
};

/// A configured alert channel: a name, the channel plugin it uses, its checked configuration.
struct ChannelInstance {
  std::string name;     ///< `[A-Za-z0-9_.-]{1,64}`
  std::string channel;  ///< the alert_channel plugin's key
  bool enabled = true;
  Poco::JSON::Object::Ptr config;  ///< complete, coerced values (secrets in clear: never show)
  DeliveryPolicy delivery;
  std::int64_t create_ms = 0;
  std::int64_t update_ms = 0;
};

/// Empty when `name` may name a channel instance, else what is wrong with it.
std::string channel_name_problem(const std::string& name);

}  // namespace warden::host
