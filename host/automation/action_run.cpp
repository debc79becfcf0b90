// The life of one action after it is stored: arming, attempts, outcomes, manual answers.
#include "host/alerts/alert_json.hpp"
#include "host/automation/action_data.hpp"
#include "host/automation/action_engine.hpp"
#include "host/automation/action_spec.hpp"
#include "host/automation/kinds/notice_plan.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace warden::host {
namespace {

bool waits_for_task(const ActionRecord& a) {
  return a.status == "running" && !a.task_id.empty() && a.due_ms == 0;
}

std::string seconds(std::int64_t ms) {
  return std::to_string(ms / 1000) + " s";
}

}  // namespace

void ActionEngine::arm_all(const std::vector<std::string>& ids, bool announce) {
  std::lock_guard lock(mutex_);
  for (const auto& id : ids) {
    auto it = live_.find(id);
    if (it == live_.end()) continue;
    auto& a = it->second;
    if (announce && a.status == "waiting_approval" && !a.log.empty() &&
        a.log.back().event == "waiting_approval")
      request_approval(a);
    arm_locked(a);
  }
}

void ActionEngine::arm_locked(ActionRecord& a) {
  if (!running_) return;
  const auto seq = ++a.seq;
  const auto id = a.id;
  std::int64_t at = 0;
  if (a.status == "created" || (a.status == "running" && a.due_ms > 0))
    at = a.due_ms;
  else if (a.status == "waiting_approval" || waits_for_task(a))
    at = a.deadline_ms;
  else
    return;  // blocked or ended: only an operator moves it
  if (waits_for_task(a)) {
    const auto task = a.task_id;
    workers_->post([this, task] { check_task(task); });
  }
  if (at <= now_ms())
    workers_->post([this, id, seq] { on_due(id, seq); });
  else
    timers_->schedule_at_ms(
        at, [this, id, seq] { workers_->post([this, id, seq] { on_due(id, seq); }); });
}

void ActionEngine::on_due(const std::string& id, std::uint64_t seq) {
  std::unique_lock lock(mutex_);
  auto it = live_.find(id);
  if (it == live_.end() || it->second.seq != seq) return;
  auto& a = it->second;
  const auto now = now_ms();
  if (a.status == "waiting_approval") {
    if (now < a.deadline_ms) return arm_locked(a);
    a.approval = "rejected";
    a.decided_by = "timeout";
    end_locked(a, "skipped", "rejected: no answer within " + seconds(a.deadline_ms - a.created_ms),
               now);
    return commit_locked(a);
  }
  if (waits_for_task(a)) {
    if (now < a.deadline_ms) return arm_locked(a);
    const auto spec = action_spec_from_json(*a.spec).action;
    a.note(
        now, "timeout",
        "no outcome from task " + a.task_id + " within " + std::to_string(spec.timeout_s) + " s");
    action_of_task_.erase(a.task_id);
    if (a.attempts <= spec.retries) {
      a.due_ms = now + spec.retry_interval_s * 1000;
      a.note(now, "retry",
             "attempt " + std::to_string(a.attempts + 1) + " in " +
                 std::to_string(spec.retry_interval_s) + " s");
      commit_locked(a);
      return arm_locked(a);
    }
    end_locked(a, "timeout", "timed out after " + std::to_string(spec.timeout_s) + " s", now);
    return commit_locked(a);
  }
  if (a.due_ms > now) return arm_locked(a);
  lock.unlock();
  run_attempt(id, seq);
}

void ActionEngine::run_attempt(const std::string& id, std::uint64_t seq) {
  std::unique_lock lock(mutex_);
  auto it = live_.find(id);
  if (it == live_.end() || it->second.seq != seq) return;
  auto& a = it->second;
  const auto now = now_ms();
  const auto spec = action_spec_from_json(*a.spec).action;
  const Alert alert = stored_alert_from_json(*a.alerts->getObject(0));
  if (a.group_key.size() && group_of_.count(a.group_key) && group_of_[a.group_key] == a.id)
    group_of_.erase(a.group_key);  // the aggregation window closed: later alerts start another
  if (auto rule = hooks_.blocked_by ? hooks_.blocked_by(alert, a.policy, a.kind, now)
                                    : std::optional<std::string>()) {
    a.status = "blocked";
    a.blocked_by = *rule;
    a.due_ms = 0;
    a.note(now, "blocked", "circuit-breaking rule " + *rule + " blocks it; replay runs it");
    blocked_.fetch_add(1, std::memory_order_relaxed);
    return commit_locked(a);
  }
  const auto* kind = kinds_.find(a.kind);
  a.status = "running";
  ++a.attempts;
  if (a.started_ms == 0) a.started_ms = now;
  a.due_ms = 0;
  a.deadline_ms = now + spec.timeout_s * 1000;
  a.blocked_by.clear();
  a.note(now, "running", "attempt " + std::to_string(a.attempts));
  commit_locked(a);
  const auto attempt_seq = ++a.seq;  // a timer armed before this attempt no longer matters
  const ActionRecord snapshot = a;
  lock.unlock();

  ActionAttempt outcome;
  if (!kind) {
    outcome.message = "unknown action kind \"" + snapshot.kind + "\"";
  } else {
    const ActionInput input{snapshot, template_data(snapshot), alert};
    outcome = kind->run(input);
  }

  lock.lock();
  it = live_.find(id);
  if (it == live_.end() || it->second.seq != attempt_seq) return;  // skipped meanwhile
  apply_attempt_locked(it->second, outcome, now_ms());
}

void ActionEngine::apply_attempt_locked(ActionRecord& a, const ActionAttempt& attempt,
                                        std::int64_t now) {
  const auto spec = action_spec_from_json(*a.spec).action;
  if (!attempt.task_id.empty() && a.task_id != attempt.task_id) {
    a.task_id = attempt.task_id;
    action_of_task_[a.task_id] = a.id;
  }
  a.notice_ids.insert(a.notice_ids.end(), attempt.notice_ids.begin(), attempt.notice_ids.end());
  if (attempt.outcome == ActionAttempt::Outcome::pending) {
    a.note(now, "dispatched", attempt.message.empty() ? "task " + a.task_id : attempt.message);
    commit_locked(a);
    if (ended_tasks_.erase(a.task_id)) {
      const auto task = a.task_id;
      workers_->post([this, task] { check_task(task); });
    }
    return arm_locked(a);
  }
  action_of_task_.erase(a.task_id);
  if (attempt.outcome == ActionAttempt::Outcome::success) {
    a.message = attempt.message;
    if (a.kind == "notice" && a.signal == "abnormal") {
      ++a.repeats;
      const auto plan = notice_plan_from(*spec.params);
      const auto next = next_repeat_ms(plan, a.repeats, now);
      const bool still_abnormal =
          std::any_of(a.alert_ids.begin(), a.alert_ids.end(), [this](const std::string& alert_id) {
            auto open = book_.find_open(alert_id);
            return open && open->state == "abnormal";
          });
      if (next > 0 && still_abnormal) {
        a.due_ms = next;
        a.note(now, "repeat",
               "notice " + std::to_string(a.repeats) + " sent; the next in " + seconds(next - now));
        commit_locked(a);
        return arm_locked(a);
      }
    }
    end_locked(a, "success", attempt.message, now);
    return commit_locked(a);
  }
  a.note(now, "failure", attempt.message);
  if (a.attempts - a.repeats <= spec.retries) {
    a.due_ms = now + spec.retry_interval_s * 1000;
    a.message = attempt.message;
    a.note(now, "retry",
           "attempt " + std::to_string(a.attempts + 1) + " in " +
               std::to_string(spec.retry_interval_s) + " s");
    commit_locked(a);
    return arm_locked(a);
  }
  end_locked(a, "failure", attempt.message, now);
  commit_locked(a);
}

void ActionEngine::check_task(const std::string& task_id) {
  if (!hooks_.task_outcome) return;
  const auto outcome = hooks_.task_outcome(task_id);
  if (!outcome) return;
  std::lock_guard lock(mutex_);
  auto owner = action_of_task_.find(task_id);
  if (owner == action_of_task_.end()) {
    ended_tasks_[task_id] = true;  // its action has not recorded the task yet
    return;
  }
  auto it = live_.find(owner->second);
  if (it == live_.end() || !waits_for_task(it->second)) return;
  it->second.note(now_ms(), "callback", "task " + task_id + " ended");
  ++it->second.seq;
  apply_attempt_locked(it->second, *outcome, now_ms());
}

void ActionEngine::task_ended(const std::string& task_id) {
  if (running_) workers_->post([this, task_id] { check_task(task_id); });
}

void ActionEngine::end_locked(ActionRecord& a, const std::string& status,
                              const std::string& message, std::int64_t now) {
  a.status = status;
  a.message = message;
  a.ended_ms = now;
  a.due_ms = 0;
  a.note(now, status, message);
  ++a.seq;
  if (!a.group_key.empty()) {
    auto it = group_of_.find(a.group_key);
    if (it != group_of_.end() && it->second == a.id) group_of_.erase(it);
  }
}

void ActionEngine::commit_locked(const ActionRecord& action) {
  const auto id = action.id;
  const auto seq = action.seq;
  journal_->submit(action, [this, id, seq](bool) {
    std::lock_guard lock(mutex_);
    auto it = live_.find(id);
    if (it != live_.end() && it->second.ended() && it->second.seq == seq) live_.erase(it);
  });
}

void ActionEngine::request_approval(const ActionRecord& a) {
  const auto spec = action_spec_from_json(*a.spec);
  if (spec.approval_channels.empty() || !hooks_.notify) return;
  const Alert cause = stored_alert_from_json(*a.alerts->getObject(0));
  Alert request;
  request.type = "external";
  request.source = "warden";
  request.subject = "approval " + a.id;
  request.severity = cause.severity;
  request.title = "Approval needed: policy " + a.policy + " would run a " + a.kind +
                  " action for \"" + cause.title + "\"";
  request.message = "Approve: POST /api/actions/" + a.id +
                    "/approve, or reject: POST /api/actions/" + a.id +
                    "/reject, with {\"by\": \"<you>\", \"reason\": \"<why>\"}. No answer in " +
                    seconds(a.deadline_ms - a.updated_ms) + " rejects it.";
  request.labels = {{"action_id", a.id}, {"policy", a.policy}, {"alert_id", a.alert_id}};
  request.dedupe_key = "approval|" + a.id;
  hooks_.notify(request, spec.approval_channels);
}

Poco::JSON::Object::Ptr ActionEngine::template_data(const ActionRecord& a) const {
  std::vector<Alert> alerts;
  for (std::size_t i = 0; i < a.alerts->size(); ++i)
    alerts.push_back(stored_alert_from_json(*a.alerts->getObject(i)));
  return action_data(alerts, {.signal = a.signal,
                              .policy = a.policy,
                              .action_id = a.id,
                              .alert_id = a.alert_id,
                              .repeat = a.repeats + 1});
}

}  // namespace warden::host
