#pragma once

#include "host/automation/action_kind.hpp"
#include "host/automation/action_record.hpp"
#include "host/automation/action_store.hpp"
#include "host/automation/alert_book.hpp"
#include "host/automation/alert_record.hpp"
#include "host/automation/automation_journal.hpp"
#include "host/automation/defense_window.hpp"
#include "host/automation/policy.hpp"
#include "host/runtime/clock.hpp"
#include "host/runtime/request_error.hpp"
#include "host/runtime/timer_queue.hpp"
#include "host/runtime/work_queue.hpp"

#include <warden/alert.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace warden::host {

/// What one alert in did.
struct Ingested {
  AlertRecord record;
  std::optional<Signal> fired;
  std::vector<std::string> action_ids;  ///< made (or joined, for an aggregated notice)
  bool taken = false;  ///< a policy matches the alert (else it takes the default route)
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

/// What the engine needs from the rest of the host, as functions so that it stays testable alone
/// (serve wires them to the policy book, the circuit breaker, the notice pipeline, the tasks).
struct ActionEngineHooks {
  std::function<std::vector<std::shared_ptr<const Policy>>(const Alert&, Signal)> match_policies;
  /// The id of the circuit-breaking rule that blocks an action of `kind` for `policy`, if any.
  std::function<std::optional<std::string>(const Alert&, const std::string& policy,
                                           const std::string& kind, std::int64_t now_ms)>
      blocked_by;
  /// Sends an approval request (or any engine notice) to channel instances, without waiting.
  std::function<void(const Alert&, const std::vector<std::string>& channels)> notify;
  /// A task's outcome once it ended (success / failure with its message); nullopt while it runs.
  std::function<std::optional<ActionAttempt>(const std::string& task_id)> task_outcome;
};

struct ActionEngineOptions {
  int workers = 4;                          ///< threads that run attempts
  std::int64_t close_after_ms = 3'600'000;  ///< recovered alert records close after this
  const Clock* clock = &system_clock();
};

/// The engine (seed 002's action module): an alert meets its record; the record's signal meets
/// the policies; each matching policy's actions are stored with the record in one commit, then
/// dispatched. Each action's life: created → (waiting_approval) → running → success | failure |
/// timeout, or skipped / blocked. Waits (aggregation, retries, repeats, approvals, timeouts) are
/// timers, never sleeping threads; every change goes through the journal, and a start picks up
/// every action that had not ended.
class ActionEngine final : public AutomationApi {
 public:
  ActionEngine(Database& database, const ActionKinds& kinds, ActionEngineHooks hooks,
               ActionEngineOptions options = {});
  ~ActionEngine() override;
  ActionEngine(const ActionEngine&) = delete;
  ActionEngine& operator=(const ActionEngine&) = delete;

  /// Loads the open alert records and the unfinished actions and arms them.
  void start();
  /// Lets running attempts end and be stored; what waits stays stored for the next start.
  void stop();
  /// A task ended (from a TaskListener: never blocks, never calls the task manager back).
  void task_ended(const std::string& task_id);

  Ingested ingest(const Alert& alert, const std::string& origin) override;
  AlertRecord close_alert(const std::string& id, const std::string& by,
                          const std::string& reason) override;
  std::optional<AlertRecord> find_alert(const std::string& id) override;
  std::vector<ActionRecord> actions_of_alert(const std::string& alert_id) override;
  ActionPage list_actions(const ActionQuery& query) override;
  std::optional<ActionRecord> find_action(const std::string& id) override;
  ActionRecord retry(const std::string& id, const std::string& by) override;
  ActionRecord skip(const std::string& id, const std::string& by,
                    const std::string& reason) override;
  ActionRecord approve(const std::string& id, const std::string& by,
                       const std::string& reason) override;
  ActionRecord reject(const std::string& id, const std::string& by,
                      const std::string& reason) override;
  std::vector<std::string> replay_blocked(const std::string& rule_id) override;

  struct Counts {
    std::uint64_t alerts = 0, actions = 0, blocked = 0, approvals = 0;
    std::size_t open_alerts = 0, live_actions = 0;
    std::uint64_t commits = 0, rows = 0;  ///< the journal's
  };
  Counts counts() const;

 private:
  std::int64_t now_ms() const { return options_.clock->now_ms(); }
  /// Under mutex_: the actions a signal of `record` makes (or joins), and the repeating notices it
  /// stops; their rows go into `rows`.
  void react_locked(const Observation& seen, std::int64_t now, std::vector<AutomationRow>& rows,
                    std::vector<std::string>& made);
  /// The same with the policies that match the fired signal already found.
  void react_locked(const Observation& seen,
                    const std::vector<std::shared_ptr<const Policy>>& policies, std::int64_t now,
                    std::vector<AutomationRow>& rows, std::vector<std::string>& made);
  void make_actions_locked(const Policy& policy, const AlertRecord& record, Signal signal,
                           std::int64_t now, std::vector<AutomationRow>& rows,
                           std::vector<std::string>& made);
  void stop_repeats_locked(const AlertRecord& record, Signal signal, std::int64_t now,
                           std::vector<AutomationRow>& rows);
  /// Stores rows and waits; throws RequestError::unavailable when they cannot be stored.
  void commit_and_wait(std::vector<AutomationRow> rows);
  /// Submits an action's row (not waiting); an ended one leaves memory once committed.
  void commit_locked(const ActionRecord& action);
  /// Arms what an action waits for next (a run now, a timer), after its row was submitted.
  void arm_locked(ActionRecord& action);
  /// Arms each action; `announce`: send the approval requests of those that just began to wait.
  void arm_all(const std::vector<std::string>& ids, bool announce = true);
  void on_due(const std::string& id, std::uint64_t seq);
  void run_attempt(const std::string& id, std::uint64_t seq);
  void apply_attempt_locked(ActionRecord& action, const ActionAttempt& attempt, std::int64_t now);
  void end_locked(ActionRecord& action, const std::string& status, const std::string& message,
                  std::int64_t now);
  void request_approval(const ActionRecord& action);
  /// Applies a task's end to its action, once the task has ended (a worker job).
  void check_task(const std::string& task_id);
  void sweep_recovered();
  ActionRecord& live_or_throw_locked(const std::string& id);
  /// The action `id`, waiting for approval (else RequestError conflict), with `verdict` recorded.
  ActionRecord& decide_locked(const std::string& id, const std::string& by,
                              const std::string& reason, const std::string& verdict);
  Poco::JSON::Object::Ptr template_data(const ActionRecord& action) const;

  Database& database_;
  const ActionKinds& kinds_;
  ActionEngineHooks hooks_;
  ActionEngineOptions options_;
  AlertBook book_;
  DefenseWindow defense_;

  mutable std::mutex mutex_;
  std::unordered_map<std::string, ActionRecord> live_;     // not ended, or ended and uncommitted
  std::unordered_map<std::string, std::string> group_of_;  // aggregation key -> collecting action
  std::unordered_map<std::string, std::string> action_of_task_;
  std::unordered_map<std::string, bool> ended_tasks_;  // ended before their action knew them
  std::atomic<bool> running_{false};
  std::atomic<std::uint64_t> alerts_in_{0}, actions_made_{0}, blocked_{0}, approvals_{0};

  // Declared last: destroyed (threads joined) first.
  std::unique_ptr<AutomationJournal> journal_;
  std::unique_ptr<TimerQueue> timers_;
  std::unique_ptr<WorkQueue> workers_;
};

}  // namespace warden::host
