#pragma once

#include <warden/alert.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace warden::host {

class Database;

/// One condition of a circuit-breaking rule: the alert's `key` dimension is (eq) or is not (neq)
/// one of `values`. Dimensions: `channel` (the channel instance), `source`, `type`, `status`,
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
  std::vector<BreakCondition> conditions;
  std::int64_t end_ms = 0;  ///< 0: until cleared
  std::string end_time;     ///< as given

  bool active(std::int64_t now_ms) const { return end_ms == 0 || now_ms < end_ms; }
  bool matches(const Alert& alert, const std::string& channel_name) const;
};

/// Reads `{"rules": [...]}`. Every problem goes into `errors`, keyed by place
/// (`rules[0].conditions`).
std::vector<BreakRule> break_rules_from_json(const Poco::JSON::Object& body,
                                             std::map<std::string, std::string>& errors);

/// A rule in the form break_rules_from_json reads (and the table stores); the API's answer adds
/// `active`.
Poco::JSON::Object::Ptr break_rule_to_json(const BreakRule& rule);

/// The circuit-breaking rules in force, kept in memory for matching and in the `circuit_breaking`
/// table (migration 12) for restarts. Thread-safe; matching never touches the database.
class CircuitBreaker {
 public:
  explicit CircuitBreaker(Database& database);

  /// The id of the first active rule that matches, if any.
  std::optional<std::string> match(const Alert& alert, const std::string& channel_name,
                                   std::int64_t now_ms) const;
  std::vector<BreakRule> rules() const;
  /// Replaces every rule (stored in one transaction).
  void replace(std::vector<BreakRule> rules);
  void clear() { replace({}); }

 private:
  Database& database_;
  mutable std::mutex mutex_;
  std::shared_ptr<const std::vector<BreakRule>> rules_;
};

}  // namespace warden::host
