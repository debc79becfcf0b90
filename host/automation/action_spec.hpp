#pragma once

#include "host/automation/policy.hpp"

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <string>
#include <vector>

namespace warden::host {

/// The policy action an ActionRecord keeps (`spec`), read back: what a retry or a replay runs.
struct ActionSpec {
  PolicyAction action;
  std::vector<std::string> approval_channels;
};

Poco::JSON::Object::Ptr action_spec_to_json(const Policy& policy, std::size_t index);
ActionSpec action_spec_from_json(const Poco::JSON::Object& spec);

/// Aggregation (seed 002's 汇总): the key alerts of one notice action share when its `group_wait`
/// is set — the policy, the action, the signal and the `group_by` labels' values; "" when the
/// action does not aggregate.
std::string aggregation_key(const std::string& policy, std::size_t index, const std::string& signal,
                            const PolicyAction& action, const Alert& alert);
std::int64_t group_wait_ms(const PolicyAction& action);

}  // namespace warden::host
