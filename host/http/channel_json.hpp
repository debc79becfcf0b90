#pragma once

#include "host/alerts/channel_instances.hpp"
#include "host/alerts/circuit_breaker.hpp"

#include <Poco/JSON/Object.h>

namespace warden::host::http {

/// A channel instance as `GET /api/channels/{name}` shows it: secrets masked, times in ISO 8601.
Poco::JSON::Object::Ptr channel_instance_json(const ChannelInstances& channels,
                                              const ChannelInstance& instance);
/// A delivery policy as the channel answers show it: durations in seconds.
Poco::JSON::Object::Ptr delivery_json(const DeliveryPolicy& delivery);
/// A circuit-breaking rule as `GET /api/circuit_breaking` shows it, with whether it is active at
/// `now_ms`.
Poco::JSON::Object::Ptr break_rule_json(const BreakRule& rule, std::int64_t now_ms);

}  // namespace warden::host::http
