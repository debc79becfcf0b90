// What an operator does to an action: retry, skip, approve, reject, replay (seed 002).
#include "host/automation/action_engine.hpp"

namespace warden::host {
namespace {

std::string who(const std::string& by) {
  return by.empty() ? "an operator" : by;
}

std::string because(const std::string& reason) {
  return reason.empty() ? "" : ": " + reason;
}

}  // namespace

ActionRecord& ActionEngine::live_or_throw_locked(const std::string& id) {
  // Not in memory: ended and committed (an ended action leaves memory only once committed), or
  // unknown. No flush here: the journal's callbacks take mutex_.
  if (auto it = live_.find(id); it != live_.end()) return it->second;
  auto stored = find_stored_action(database_, id);
  if (!stored) throw RequestError(RequestError::Kind::not_found, "no action " + id);
  // An ended action comes back into memory for a retry; the caller checks its status.
  return live_.emplace(id, std::move(*stored)).first->second;
}

ActionRecord& ActionEngine::decide_locked(const std::string& id, const std::string& by,
                                          const std::string& reason, const std::string& verdict) {
  auto& a = live_or_throw_locked(id);
  if (a.status != "waiting_approval")
    throw RequestError(RequestError::Kind::conflict,
                       "action " + id + " is " + a.status + ", not waiting for approval");
  a.approval = verdict;
  a.decided_by = who(by);
  a.decision_reason = reason;
  return a;
}

ActionRecord ActionEngine::retry(const std::string& id, const std::string& by) {
  std::lock_guard lock(mutex_);
  auto& a = live_or_throw_locked(id);
  if (a.status != "failure" && a.status != "timeout" && a.status != "skipped" &&
      a.status != "blocked")
    throw RequestError(RequestError::Kind::conflict,
                       "action " + id + " is " + a.status +
                           "; only a failed, timed-out, skipped or blocked action is retried");
  const auto now = now_ms();
  a.status = "created";
  a.due_ms = now;
  a.ended_ms = 0;
  a.task_id.clear();
  a.note(now, "retry", "retried by " + who(by));
  commit_locked(a);
  arm_locked(a);
  return a;
}

ActionRecord ActionEngine::skip(const std::string& id, const std::string& by,
                                const std::string& reason) {
  std::lock_guard lock(mutex_);
  auto& a = live_or_throw_locked(id);
  if (a.ended())
    throw RequestError(RequestError::Kind::conflict,
                       "action " + id + " has ended (" + a.status + ")");
  const std::string running_task =
      a.status == "running" && !a.task_id.empty() ? " (task " + a.task_id + " runs on)" : "";
  action_of_task_.erase(a.task_id);
  end_locked(a, "skipped", "skipped by " + who(by) + because(reason) + running_task, now_ms());
  ActionRecord out = a;
  commit_locked(a);
  return out;
}

ActionRecord ActionEngine::approve(const std::string& id, const std::string& by,
                                   const std::string& reason) {
  std::lock_guard lock(mutex_);
  auto& a = decide_locked(id, by, reason, "approved");
  const auto now = now_ms();
  a.status = "created";
  a.due_ms = now;
  a.deadline_ms = 0;
  a.note(now, "approved", "approved by " + who(by) + because(reason));
  commit_locked(a);
  arm_locked(a);
  return a;
}

ActionRecord ActionEngine::reject(const std::string& id, const std::string& by,
                                  const std::string& reason) {
  std::lock_guard lock(mutex_);
  auto& a = decide_locked(id, by, reason, "rejected");
  end_locked(a, "skipped", "rejected by " + who(by) + because(reason), now_ms());
  ActionRecord out = a;
  commit_locked(a);
  return out;
}

std::vector<std::string> ActionEngine::replay_blocked(const std::string& rule_id) {
  std::lock_guard lock(mutex_);
  std::vector<std::string> replayed;
  const auto now = now_ms();
  for (auto& [id, a] : live_) {
    if (a.status != "blocked" || (!rule_id.empty() && a.blocked_by != rule_id)) continue;
    a.status = "created";
    a.due_ms = now;
    a.note(now, "replayed", "replayed after circuit-breaking rule " + a.blocked_by);
    commit_locked(a);
    arm_locked(a);
    replayed.push_back(id);
  }
  return replayed;
}

}  // namespace warden::host
