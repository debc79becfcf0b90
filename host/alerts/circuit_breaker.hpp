#pragma once

#include <warden/alert.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace warden::host {

class Database;

/// What a rule breaks: notices (deliveries through channel instances), actions (what policies run),
/// or both.
namespace break_module {
inline constexpr const char* notice = "notice";
inline constexpr const char* action = "action";
inline constexpr const char* all = "all";
}  // namespace break_module

/// Whether `module` is one a rule may name: notice, action or all.
bool is_break_module(const std::string& module);

/// Dimensions beyond the alert's that the caller knows, e.g. an action's `policy` and `kind`.
using BreakDimensions = std::map<std::string, std::string>;

/// One condition of a circuit-breaking rule: the alert's `key` dimension is (eq) or is not (neq)
/// one of `values`. Dimensions: the caller's extra ones (an action's `policy` and `kind`),
/// `channel` (the channel instance; empty for an action), `source`, `type`, `status`,
/// `severity`, `strategy_source` (the label, else `data_source_label:data_type_label`), and any
/// alert label (`strategy_id`, `bk_biz_id`, `data_source_label`, `data_type_label`, …).
struct BreakCondition {
  std::string key;
  std::string method = "eq";  ///< eq | neq
  std::vector<std::string> values;
};

/// Every condition must match (AND); rules combine by OR. With an end time, a rule stops matching
/// then (a maintenance silence).
struct BreakRule {
  std::string id;
  std::string description;
  std::string module = break_module::notice;  ///< notice | action | all
  std::vector<BreakCondition> conditions;
  std::int64_t end_ms = 0;  ///< 0: until cleared
  std::string end_time;     ///< as given

  bool active(std::int64_t now_ms) const { return end_ms == 0 || now_ms < end_ms; }
  /// Whether the rule covers `module` (notice or action): its own, or all.
  bool covers(const std::string& module) const;
  bool matches(const Alert& alert, const std::string& channel_name,
               const BreakDimensions& extra = {}) const;
};

/// Reads `{"rules": [...]}`. Every problem goes into `errors`, keyed by place
/// (`rules[0].conditions`). A rule without an id gets a generated one (`cb_<uuid>`); one without
/// a module is a notice rule (as every rule was before modules).
std::vector<BreakRule> break_rules_from_json(const Poco::JSON::Object& body,
                                             std::map<std::string, std::string>& errors);
/// Reads one rule `{"id"?, "description"?, "module"?, "conditions", "end_time"?}`; problems are
/// keyed by field, after `place` and a dot when `place` is not empty.
BreakRule break_rule_from_json(const Poco::JSON::Object& object, const std::string& place,
                               std::map<std::string, std::string>& errors);

/// A rule in the form break_rules_from_json reads (and the table stores); the API's answer adds
/// `active`.
Poco::JSON::Object::Ptr break_rule_to_json(const BreakRule& rule);

/// The circuit-breaking rules in force, kept in memory for matching and in the `circuit_breaking`
/// table (migrations 12 and 16) for restarts. Thread-safe; matching never touches the database.
///
/// A rule is active from when it is added (or the host starts with it) until it is removed; the
/// first time it blocks something in that time, `on_first_block` hears of it (once per activation,
/// not per block), on the matching thread and outside the breaker's lock, so it may call back
/// into the breaker. Replacing the rules keeps the activation of a rule that is unchanged.
class CircuitBreaker {
 public:
  using FirstBlock = std::function<void(const BreakRule& rule, const std::string& module)>;

  struct Counts {
    std::uint64_t blocked_notices = 0, blocked_actions = 0;
    std::map<std::string, std::size_t> rules;  ///< rules in force now, by module (all three)
  };

  explicit CircuitBreaker(Database& database, FirstBlock on_first_block = {});

  /// The id of the first active rule covering `module` (notice or action) that matches, if any;
  /// counted as a block. `extra`: dimensions beyond the alert's (an action's policy and kind).
  std::optional<std::string> match(const std::string& module, const Alert& alert,
                                   const std::string& channel_name, std::int64_t now_ms,
                                   const BreakDimensions& extra = {}) const;
  /// A notice's match (module notice).
  std::optional<std::string> match(const Alert& alert, const std::string& channel_name,
                                   std::int64_t now_ms) const {
    return match(break_module::notice, alert, channel_name, now_ms);
  }
  std::vector<BreakRule> rules() const;
  /// Replaces every rule (stored in one transaction).
  void replace(std::vector<BreakRule> rules);
  /// Adds one rule after the others and returns it (with a generated id when it had none).
  /// Throws RequestError conflict when a rule has its id.
  BreakRule add(BreakRule rule);
  /// Removes the rule `id`; false when there is none.
  bool remove(const std::string& id);
  /// Removes every rule of `module` (exactly: clearing `action` keeps the `all` rules); returns how
  /// many.
  std::size_t clear(const std::string& module);
  void clear() { replace({}); }

  /// Blocks since start by module, and the rules in force at `now_ms` by module.
  Counts counts(std::int64_t now_ms) const;

 private:
  /// A rule and whether it has blocked anything since it became active.
  struct Activation {
    explicit Activation(BreakRule r) : rule(std::move(r)) {}
    const BreakRule rule;
    std::atomic<bool> reported{false};
  };
  using Activations = std::vector<std::shared_ptr<Activation>>;

  std::shared_ptr<const Activations> snapshot() const;

  Database& database_;
  const FirstBlock on_first_block_;
  mutable std::mutex mutex_;  // guards rules_ (the pointer) and orders writers with the table
  std::shared_ptr<const Activations> rules_;
  mutable std::atomic<std::uint64_t> blocked_notices_{0}, blocked_actions_{0};
};

}  // namespace warden::host
