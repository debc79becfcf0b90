#pragma once

#include "host/automation/action_kind.hpp"
#include "host/automation/action_record.hpp"
#include "host/automation/alert_record.hpp"
#include "host/runtime/request_error.hpp"

#include <warden/alert.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace warden::host {

/// GET /api/actions filters; empty: no filter. Newest first.
struct ActionQuery {
  std::string alert_id, policy, kind, status;
  std::size_t limit = 50, offset = 0;
};
struct ActionPage {
  std::vector<ActionRecord> actions;
  std::size_t total = 0;
};

/// What one alert in did.
struct Ingested {
  AlertRecord record;
  std::optional<Signal> fired;
  std::vector<std::string> action_ids;  ///< made (or joined, for an aggregated notice)
};

/// The automation engine's face to http/ (the lead implements it in ActionEngine).
class AutomationApi {
 public:
  virtual ~AutomationApi() = default;
  /// Records the alert, matches policies and stores the actions, all in one commit, then returns.
  virtual Ingested ingest(const Alert& alert, const std::string& origin) = 0;
  /// Throws RequestError (not_found / conflict when already closed).
  virtual AlertRecord close_alert(const std::string& id, const std::string& by,
                                  const std::string& reason) = 0;
  virtual std::optional<AlertRecord> find_alert(const std::string& id) = 0;
  virtual std::vector<ActionRecord> actions_of_alert(const std::string& alert_id) = 0;
  virtual ActionPage list_actions(const ActionQuery& query) = 0;
  virtual std::optional<ActionRecord> find_action(const std::string& id) = 0;
  /// Each throws RequestError: not_found, or conflict when the action's status does not allow it.
  virtual ActionRecord retry(const std::string& id, const std::string& by) = 0;
  virtual ActionRecord skip(const std::string& id, const std::string& by,
                            const std::string& reason) = 0;
  virtual ActionRecord approve(const std::string& id, const std::string& by,
                               const std::string& reason) = 0;
  virtual ActionRecord reject(const std::string& id, const std::string& by,
                              const std::string& reason) = 0;
  /// Runs the `blocked` actions again (all, or those a rule blocked).
  virtual std::vector<std::string> replay_blocked(const std::string& rule_id) = 0;
};

}  // namespace warden::host
