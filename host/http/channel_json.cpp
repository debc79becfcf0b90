#include "host/http/channel_json.hpp"

#include "host/runtime/iso_time.hpp"

#include <Poco/JSON/Array.h>

namespace warden::host::http {

Poco::JSON::Object::Ptr channel_instance_json(const ChannelInstances& channels,
                                              const ChannelInstance& instance) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("name", instance.name);
  o->set("channel", instance.channel);
  o->set("enabled", instance.enabled);
  o->set("config", channels.masked_config(instance));
  o->set("delivery", delivery_json(instance.delivery));
  o->set("plugin_loaded", channels.plugin_loaded(instance));
  o->set("create_time", iso8601(instance.create_ms));
  o->set("update_time", iso8601(instance.update_ms));
  return o;
}

Poco::JSON::Object::Ptr delivery_json(const DeliveryPolicy& delivery) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("attempts", delivery.attempts);
  o->set("backoff", static_cast<double>(delivery.backoff_ms) / 1000);
  o->set("max_backoff", static_cast<double>(delivery.max_backoff_ms) / 1000);
  o->set("timeout", static_cast<double>(delivery.timeout_ms) / 1000);
  o->set("dedupe_window", static_cast<double>(delivery.dedupe_window_ms) / 1000);
  o->set("concurrency", delivery.concurrency);
  return o;
}

Poco::JSON::Object::Ptr break_rule_json(const BreakRule& rule, std::int64_t now_ms) {
  auto o = break_rule_to_json(rule);
  o->set("active", rule.active(now_ms));
  return o;
}

}  // namespace warden::host::http
