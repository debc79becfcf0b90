#pragma once

#include "host/automation/alert_record.hpp"

#include <warden/alert.hpp>

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace re2 {
class RE2;
}

namespace warden::host {

/// One condition of a policy's `match`: `field` is an alert field (`source`, `type`, `severity`,
/// `status`, `subject`, `title`, `message`, …) or `labels.<name>`; `op` is eq, neq, regex (RE2,
/// whole value) or in (one of `values`). An absent label reads as "".
struct MatchCondition {
  std::string field;
  std::string op = "eq";                  ///< eq | neq | regex | in
  std::vector<std::string> values;        ///< eq/neq/regex: exactly one
  std::shared_ptr<const re2::RE2> regex;  ///< op regex: compiled when read

  // What `field` and `op` say, worked out once when read (this runs for every policy on every
  // alert, so no name is compared then).
  enum class Op { eq, neq, regex, in };
  Op op_code = Op::eq;
  const std::string Alert::*member = nullptr;  ///< a text field; nullptr: the label below
  std::string label;                           ///< `labels.<name>`: the name

  bool matches(const Alert& alert) const;
};

/// How many actions a policy may run in a window before its actions need approval (seed 002's
/// abnormal defense: an alert storm must not restart every server).
struct DefenseRule {
  std::int64_t max_actions = 0;  ///< 0: no defense
  std::int64_t window_s = 60;
};

/// One action of a policy: `kind` names an ActionKind; `params` is the rest of the object as given
/// (checked by the kind when the policy is saved).
struct PolicyAction {
  std::string kind;
  std::vector<Signal> signals;     ///< which of the policy's signals run it; empty: every one
  Poco::JSON::Object::Ptr params;  ///< the action object without the common fields below
  std::int64_t timeout_s = 600;    ///< every action has a timeout
  int retries = 0;                 ///< further attempts after a failure
  std::int64_t retry_interval_s = 60;
  bool approval = false;                   ///< waits for POST /api/actions/{id}/approve
  std::int64_t approval_timeout_s = 3600;  ///< no answer by then: rejected
};

/// A policy (SPEC §5 automation): ordered by `order`, then name. The first enabled policy that
/// matches an alert's signal takes it, and the search stops unless it says `continue`.
struct Policy {
  std::string name;
  std::int64_t order = 0;
  bool enabled = true;
  std::string description;
  std::vector<MatchCondition> match;  ///< all must hold
  std::vector<Signal> signals{Signal::abnormal};
  bool continue_matching = false;  ///< JSON `continue`
  std::vector<PolicyAction> actions;
  std::vector<std::string> approval_channels;  ///< where approval requests go
  DefenseRule defense;

  bool matches(const Alert& alert, Signal signal) const;
};

/// Reads a policy body (`name` comes from the URL). Every problem goes into `errors` keyed by place
/// (`match[1].op`, `actions[0].timeout`); kind-specific checks are the caller's (PolicyBook).
Policy policy_from_json(const std::string& name, const Poco::JSON::Object& body,
                        std::map<std::string, std::string>& errors);
/// The stored form, which policy_from_json reads back.
Poco::JSON::Object::Ptr policy_to_json(const Policy& policy);

/// Pure: the policies that take `alert`'s `signal`, in order: enabled, matching, stopping after
/// the first that does not `continue`. `policies` must be sorted (order, name).
std::vector<std::shared_ptr<const Policy>> matching_policies(
    const std::vector<std::shared_ptr<const Policy>>& policies, const Alert& alert, Signal signal);

}  // namespace warden::host
