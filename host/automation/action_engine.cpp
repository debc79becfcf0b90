#include "host/automation/action_engine.hpp"

#include "host/alerts/alert_json.hpp"
#include "host/automation/action_spec.hpp"
#include "host/automation/alert_record_store.hpp"
#include "host/runtime/ids.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <future>

namespace warden::host {
namespace {

/// Stored as running with nothing to wait for: no task, no retry or repeat due.
bool interrupted_attempt(const ActionRecord& a) {
  return a.status == "running" && a.task_id.empty() && a.due_ms == 0;
}

constexpr std::size_t kMaxAggregatedAlerts = 100;

}  // namespace

ActionEngine::ActionEngine(Database& database, const ActionKinds& kinds, ActionEngineHooks hooks,
                           ActionEngineOptions options)
    : database_(database), kinds_(kinds), hooks_(std::move(hooks)), options_(options) {
  journal_ = std::make_unique<AutomationJournal>(database_);
  timers_ = std::make_unique<TimerQueue>(*options_.clock);
  workers_ = std::make_unique<WorkQueue>("action", std::max(1, options_.workers));
}

ActionEngine::~ActionEngine() {
  stop();
}

void ActionEngine::start() {
  book_.load(load_open_alert_records(database_));
  std::vector<std::string> ids;
  std::vector<std::string> resumed;
  {
    std::lock_guard lock(mutex_);
    for (auto& action : load_unfinished_actions(database_)) {
      if (action.status == "created" && !action.group_key.empty())
        group_of_[action.group_key] = action.id;
      if (!action.task_id.empty()) action_of_task_[action.task_id] = action.id;
      if (interrupted_attempt(action)) {
        // The host died between storing "running" and storing the outcome: whether the attempt
        // did its work is unknown, so it runs again (at least once, like a notice in flight) and
        // does not count against the retries.
        const auto now = now_ms();
        action.attempts = std::max<std::int64_t>(0, action.attempts - 1);
        action.due_ms = now;
        action.note(now, "interrupted",
                    "the host stopped during attempt " + std::to_string(action.attempts + 1) +
                        "; it runs again");
        resumed.push_back(action.id);
      }
      ids.push_back(action.id);
      live_.emplace(action.id, std::move(action));
    }
  }
  running_ = true;
  {
    std::lock_guard lock(mutex_);
    for (const auto& id : resumed) commit_locked(live_.at(id));
  }
  arm_all(ids, false);
  timers_->schedule_at_ms(now_ms() + 1000,
                          [this] { workers_->post([this] { sweep_recovered(); }); });
  spdlog::info("automation: {} open alert records, {} unfinished actions", book_.size(),
               ids.size());
}

void ActionEngine::stop() {
  running_ = false;
  if (timers_) timers_->stop();
  if (workers_) workers_->stop();
  if (journal_) journal_->stop();
}

Ingested ActionEngine::ingest(const Alert& alert, const std::string& origin) {
  Ingested out;
  std::vector<AutomationRow> rows;
  // An alert fires, if anything, the signal its status says (observe moves a record to that
  // state), so the policies are matched before the lock: alerts in meanwhile do not wait on it.
  const auto policies = hooks_.match_policies(alert, signal_of_status(alert.status));
  out.taken = !policies.empty();
  const auto now = now_ms();
  {
    std::lock_guard lock(mutex_);
    auto seen = book_.observe(alert, origin, now);
    rows.emplace_back(seen.record);
    if (seen.fired) react_locked(seen, policies, now, rows, out.action_ids);
    out.record = std::move(seen.record);
    out.fired = seen.fired;
  }
  alerts_in_.fetch_add(1, std::memory_order_relaxed);
  commit_and_wait(std::move(rows));
  arm_all(out.action_ids);
  return out;
}

void ActionEngine::react_locked(const Observation& seen, std::int64_t now,
                                std::vector<AutomationRow>& rows, std::vector<std::string>& made) {
  react_locked(seen, hooks_.match_policies(seen.record.alert, *seen.fired), now, rows, made);
}

void ActionEngine::react_locked(const Observation& seen,
                                const std::vector<std::shared_ptr<const Policy>>& policies,
                                std::int64_t now, std::vector<AutomationRow>& rows,
                                std::vector<std::string>& made) {
  const auto signal = *seen.fired;
  if (signal == Signal::recovered || signal == Signal::closed)
    stop_repeats_locked(seen.record, signal, now, rows);
  for (const auto& policy : policies)
    make_actions_locked(*policy, seen.record, signal, now, rows, made);
}

void ActionEngine::make_actions_locked(const Policy& policy, const AlertRecord& record,
                                       Signal signal, std::int64_t now,
                                       std::vector<AutomationRow>& rows,
                                       std::vector<std::string>& made) {
  const std::string signal_name(to_string(signal));
  for (std::size_t i = 0; i < policy.actions.size(); ++i) {
    const auto& spec = policy.actions[i];
    if (!spec.signals.empty() &&
        std::find(spec.signals.begin(), spec.signals.end(), signal) == spec.signals.end())
      continue;
    const auto group = aggregation_key(policy.name, i, signal_name, spec, record.alert);
    if (!group.empty()) {
      auto collecting = group_of_.find(group);
      // A full notice lets the next alert start another: a storm must not grow one row without
      // bound (each join rewrites it).
      if (collecting != group_of_.end() &&
          live_.at(collecting->second).alert_ids.size() < kMaxAggregatedAlerts) {
        auto& action = live_.at(collecting->second);
        action.alert_ids.push_back(record.id);
        action.alerts->add(alert_to_json(record.alert));
        action.note(now, "aggregated", "alert " + record.id + " joined");
        rows.emplace_back(action);
        made.push_back(action.id);
        continue;
      }
    }
    ActionRecord a;
    a.id = "ac_" + uuid_v7(now);
    a.policy = policy.name;
    a.action_index = i;
    a.alert_id = record.id;
    a.alert_ids = {record.id};
    a.alerts->add(alert_to_json(record.alert));
    a.kind = spec.kind;
    a.signal = signal_name;
    a.spec = action_spec_to_json(policy, i);
    a.created_ms = now;
    a.note(now, "created",
           "policy " + policy.name + " matched the " + signal_name + " signal of " + record.id);
    if (spec.approval || !defense_.admit(policy.name, policy.defense, now)) {
      a.status = "waiting_approval";
      a.approval = spec.approval ? "required" : "defense";
      a.deadline_ms = now + spec.approval_timeout_s * 1000;
      a.note(now, "waiting_approval",
             spec.approval
                 ? "the policy asks for approval"
                 : "abnormal defense: more than " + std::to_string(policy.defense.max_actions) +
                       " actions in " + std::to_string(policy.defense.window_s) + " s");
      approvals_.fetch_add(1, std::memory_order_relaxed);
    } else if (!group.empty()) {
      a.group_key = group;
      a.due_ms = now + group_wait_ms(spec);
      group_of_[group] = a.id;
    } else {
      a.due_ms = now;
    }
    actions_made_.fetch_add(1, std::memory_order_relaxed);
    rows.emplace_back(a);
    made.push_back(a.id);
    live_.emplace(a.id, std::move(a));
  }
}

void ActionEngine::stop_repeats_locked(const AlertRecord& record, Signal signal, std::int64_t now,
                                       std::vector<AutomationRow>& rows) {
  for (auto& [id, action] : live_) {
    if (action.kind != "notice" || action.status != "running" || action.repeats == 0) continue;
    if (std::find(action.alert_ids.begin(), action.alert_ids.end(), record.id) ==
        action.alert_ids.end())
      continue;
    end_locked(action, "success",
               "stopped after " + std::to_string(action.repeats) + " notices: the alert " +
                   std::string(to_string(signal)),
               now);
    rows.emplace_back(action);
  }
}

void ActionEngine::commit_and_wait(std::vector<AutomationRow> rows) {
  auto done = std::make_shared<std::promise<bool>>();
  auto stored = done->get_future();
  journal_->submit_all(std::move(rows), [done](bool ok) { done->set_value(ok); });
  if (!stored.get())
    throw RequestError(RequestError::Kind::unavailable,
                       "the alert and its actions could not be stored; try again");
}

AlertRecord ActionEngine::close_alert(const std::string& id, const std::string& by,
                                      const std::string& reason) {
  std::vector<AutomationRow> rows;
  std::vector<std::string> made;
  AlertRecord closed;
  {
    std::lock_guard lock(mutex_);
    auto seen = book_.close(id, now_ms(), by, reason);
    if (!seen) {
      // Not open in memory: closed (committed, or in the journal), or unknown.
      if (find_alert_record(database_, id))
        throw RequestError(RequestError::Kind::conflict, "alert " + id + " is already closed");
      throw RequestError(RequestError::Kind::not_found, "no alert " + id);
    }
    rows.emplace_back(seen->record);
    react_locked(*seen, now_ms(), rows, made);
    closed = seen->record;
  }
  commit_and_wait(std::move(rows));
  arm_all(made);
  return closed;
}

void ActionEngine::sweep_recovered() {
  if (!running_) return;
  std::vector<AutomationRow> rows;
  std::vector<std::string> made;
  {
    std::lock_guard lock(mutex_);
    const auto now = now_ms();
    for (auto& seen : book_.close_recovered_before(now, options_.close_after_ms)) {
      rows.emplace_back(seen.record);
      react_locked(seen, now, rows, made);
    }
  }
  if (!rows.empty()) {
    try {
      commit_and_wait(std::move(rows));
    } catch (const std::exception& e) {
      spdlog::error("automation: closing recovered alerts: {}", e.what());
    }
    arm_all(made);
  }
  const auto every = std::clamp<std::int64_t>(options_.close_after_ms / 4, 200, 10'000);
  timers_->schedule_at_ms(now_ms() + every,
                          [this] { workers_->post([this] { sweep_recovered(); }); });
}

std::optional<AlertRecord> ActionEngine::find_alert(const std::string& id) {
  if (auto open = book_.find_open(id)) return open;
  journal_->flush();
  return find_alert_record(database_, id);
}

std::vector<ActionRecord> ActionEngine::actions_of_alert(const std::string& alert_id) {
  ActionQuery query;
  query.alert_id = alert_id;
  query.limit = 500;
  return list_actions(query).actions;
}

ActionPage ActionEngine::list_actions(const ActionQuery& query) {
  journal_->flush();
  return list_stored_actions(database_, query);
}

std::optional<ActionRecord> ActionEngine::find_action(const std::string& id) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = live_.find(id); it != live_.end()) return it->second;
  }
  journal_->flush();
  return find_stored_action(database_, id);
}

ActionEngine::Counts ActionEngine::counts() const {
  Counts c;
  c.alerts = alerts_in_.load();
  c.actions = actions_made_.load();
  c.blocked = blocked_.load();
  c.approvals = approvals_.load();
  c.open_alerts = book_.size();
  c.commits = journal_->commits();
  c.rows = journal_->rows();
  std::lock_guard lock(mutex_);
  c.live_actions = live_.size();
  return c;
}

}  // namespace warden::host
