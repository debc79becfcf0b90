#include "host/automation/automation_service.hpp"

#include "host/alerts/alert_service.hpp"
#include "host/automation/kinds/message_queue_action.hpp"
#include "host/automation/kinds/notice_action.hpp"
#include "host/automation/kinds/solution_action.hpp"
#include "host/automation/kinds/webhook_action.hpp"
#include "host/services/alert_relay.hpp"
#include "host/tasks/task_manager.hpp"

namespace warden::host {

AutomationService::AutomationService(Database& database, const PluginRegistry& registry,
                                     const SharedServices& services, AlertService& alerts,
                                     TaskManager& tasks, AutomationOptions options)
    : policies_(
          database, kinds_,
          [&alerts](const std::string& name) { return alerts.channels().find(name) != nullptr; }),
      solutions_(database, registry, *services.templates,
                 [this](const std::string& name) { return policies_.using_solution(name); }),
      engine_(database, kinds_, hooks(alerts, tasks),
              ActionEngineOptions{.workers = options.workers,
                                  .close_after_ms = options.close_after_ms}),
      alerts_(alerts) {
  kinds_.add(
      std::make_unique<NoticeAction>(alerts.pipeline(), alerts.channels(), *services.templates));
  kinds_.add(std::make_unique<SolutionAction>(
      tasks, registry, *services.templates,
      [this](const std::string& name) -> std::optional<SavedSolution> {
        if (auto saved = solutions_.find(name)) return *saved;
        return std::nullopt;
      }));
  kinds_.add(std::make_unique<WebhookAction>(tasks, registry, *services.templates));
  kinds_.add(std::make_unique<MessageQueueAction>(options.outbox, *services.templates));
  tasks.add_listener(this);
}

ActionEngineHooks AutomationService::hooks(AlertService& alerts, TaskManager& tasks) {
  ActionEngineHooks h;
  h.match_policies = [this](const Alert& alert, Signal signal) {
    return policies_.match(alert, signal);
  };
  h.blocked_by = [&alerts](const Alert& alert, const std::string& policy, const std::string& kind,
                           std::int64_t now_ms) {
    return alerts.breaker().match(break_module::action, alert, "", now_ms,
                                  {{"policy", policy}, {"kind", kind}});
  };
  h.notify = [&alerts](const Alert& alert, const std::vector<std::string>& channels) {
    alerts.pipeline().raise_async(alert, channels, "approval");
  };
  h.task_outcome = [&tasks](const std::string& task_id) -> std::optional<ActionAttempt> {
    const auto task = tasks.find(task_id);
    if (!task)
      return ActionAttempt{
          ActionAttempt::Outcome::failure, "task " + task_id + " is gone", task_id, {}};
    if (task->status != TaskStatus::finished && task->status != TaskStatus::failed)
      return std::nullopt;
    const auto status = std::string(to_string(task->status));
    const auto message = task->messages.count(status) ? task->messages.at(status) : status;
    return ActionAttempt{task->status == TaskStatus::finished ? ActionAttempt::Outcome::success
                                                              : ActionAttempt::Outcome::failure,
                         "task " + task_id + " " + status + (message.empty() ? "" : ": " + message),
                         task_id,
                         {}};
  };
  return h;
}

void AutomationService::connect(AlertRelay& relay) {
  relay_ = &relay;
  relay.attach([this](const Alert& alert, const std::vector<std::string>& channels,
                      const std::string& origin) {
    const auto in = engine_.ingest(alert, origin);
    if (!channels.empty() || !in.taken) alerts_.pipeline().raise(alert, channels, origin);
  });
}

void AutomationService::stop() {
  if (relay_) relay_->attach({});
  relay_ = nullptr;
  engine_.stop();
}

}  // namespace warden::host
