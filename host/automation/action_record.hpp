#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdint>
#include <string>
#include <vector>

namespace warden::host {

/// One line of an action's life (seed 002: create → dispatch → execute → callback → end).
struct ActionLogEntry {
  std::int64_t at_ms = 0;
  std::string event;  ///< created, waiting_approval, approved, rejected, blocked, running, attempt,
                      ///< success, failure, timeout, retry, skipped, replayed, repeat, aggregated,
                      ///< interrupted (the host stopped during an attempt)
  std::string message;
};

/// A durable action (`ac_<uuid>`): made when a policy matched an alert's signal, run by its kind.
struct ActionRecord {
  std::string id;
  std::string policy;
  std::size_t action_index = 0;        ///< which of the policy's actions
  std::string alert_id;                ///< the (first) alert record
  std::vector<std::string> alert_ids;  ///< every alert of an aggregated notice
  /// Each alert (alert_to_json) as it was when it joined the action: what templates and alarm()
  /// see.
  Poco::JSON::Array::Ptr alerts = new Poco::JSON::Array;
  std::string kind;
  std::string signal;  ///< abnormal | recovered | no_data | closed
  /// created | waiting_approval | running | success | failure | timeout | skipped | blocked
  std::string status = "created";
  /// The policy action as it was when the action was made (PolicyAction as JSON: kind, params and
  /// the common fields), so a replay or retry runs what was matched, not a later edit.
  Poco::JSON::Object::Ptr spec;
  std::int64_t attempts = 0;
  std::int64_t repeats = 0;  ///< notices sent by a repeating notice
  std::int64_t created_ms = 0, updated_ms = 0, started_ms = 0, ended_ms = 0;
  std::int64_t due_ms = 0;       ///< next thing to do: aggregation flush, retry, repeat
  std::int64_t deadline_ms = 0;  ///< the running attempt's timeout, or the approval's
  std::string group_key;         ///< aggregation: policy, action and group_by values
  std::string task_id;
  std::vector<std::string> notice_ids;
  std::string message;     ///< the outcome, for an operator
  std::string blocked_by;  ///< the circuit-breaking rule
  std::string approval;    ///< "", required, defense (why it waits), approved, rejected
  std::string decided_by, decision_reason;
  std::vector<ActionLogEntry> log;
  std::uint64_t seq = 0;  ///< in memory only: the armed timer that still matters

  void note(std::int64_t at_ms, std::string event, std::string text);

  bool ended() const {
    return status == "success" || status == "failure" || status == "timeout" || status == "skipped";
  }
};

/// The stored form (one JSON text per action beside its indexed columns).
Poco::JSON::Object::Ptr action_record_to_json(const ActionRecord& action);
ActionRecord action_record_from_json(const Poco::JSON::Object& json);

}  // namespace warden::host
