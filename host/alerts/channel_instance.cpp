#include "host/alerts/channel_instance.hpp"

#include "host/runtime/json_number.hpp"

#include <cmath>

namespace warden::host {
namespace {

/// A number of seconds in [low, high] as milliseconds; nullopt (and an error) otherwise.
void read_seconds(const Poco::JSON::Object& json, const std::string& name, double low, double high,
                  std::int64_t& out, std::map<std::string, std::string>& errors) {
  if (!json.has(name) || json.isNull(name)) return;
  const auto value = json.get(name);
  const std::string range = "from " + std::to_string(static_cast<long long>(low)) + " to " +
                            std::to_string(static_cast<long long>(high));
  if (!value.isNumeric() || value.isBoolean()) {
    errors["delivery." + name] = "must be a number of seconds " + range;
    return;
  }
  const double seconds = value.convert<double>();
  if (!std::isfinite(seconds) || seconds < low || seconds > high) {
    errors["delivery." + name] = "must be a number of seconds " + range;
    return;
  }
  out = static_cast<std::int64_t>(std::llround(seconds * 1000));
}

void read_int(const Poco::JSON::Object& json, const std::string& name, int low, int high, int& out,
              std::map<std::string, std::string>& errors) {
  if (!json.has(name) || json.isNull(name)) return;
  const auto value = json.get(name);
  if (const auto n = whole_number(value, low, high))
    out = static_cast<int>(*n);
  else
    errors["delivery." + name] = whole_number_refusal(value, low, high);
}

}  // namespace

DeliveryPolicy DeliveryPolicy::from_json(const Poco::JSON::Object& json,
                                         std::map<std::string, std::string>& errors) {
  DeliveryPolicy p;
  static const char* kKnown[] = {"attempts", "backoff",       "max_backoff",
                                 "timeout",  "dedupe_window", "concurrency"};
  for (const auto& [name, value] : json) {
    bool known = false;
    for (const char* k : kKnown) known = known || name == k;
    if (!known)
      errors["delivery." + name] =
          "unknown setting (known: attempts, backoff, max_backoff, timeout, dedupe_window, "
          "concurrency)";
  }
  read_int(json, "attempts", 1, 20, p.attempts, errors);
  read_seconds(json, "backoff", 0, 3600, p.backoff_ms, errors);
  read_seconds(json, "max_backoff", 0, 86400, p.max_backoff_ms, errors);
  read_seconds(json, "timeout", 0.1, 300, p.timeout_ms, errors);
  read_seconds(json, "dedupe_window", 0, 86400, p.dedupe_window_ms, errors);
  read_int(json, "concurrency", 1, 64, p.concurrency, errors);
  if (p.max_backoff_ms < p.backoff_ms && !errors.contains("delivery.max_backoff"))
    errors["delivery.max_backoff"] = "must not be less than backoff";
  return p;
}

Poco::JSON::Object::Ptr DeliveryPolicy::to_json() const {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("attempts", attempts);
  o->set("backoff", static_cast<double>(backoff_ms) / 1000);
  o->set("max_backoff", static_cast<double>(max_backoff_ms) / 1000);
  o->set("timeout", static_cast<double>(timeout_ms) / 1000);
  o->set("dedupe_window", static_cast<double>(dedupe_window_ms) / 1000);
  o->set("concurrency", concurrency);
  return o;
}

std::string channel_name_problem(const std::string& name) {
  if (name.empty() || name.size() > 64) return "must be 1 to 64 characters";
  for (char c : name) {
    const bool fine = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '-' || c == '.';
    if (!fine) return "may hold only letters, digits, '_', '-' and '.'";
  }
  return {};
}

}  // namespace warden::host
