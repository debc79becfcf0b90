#pragma once

#include "host/automation/action_engine.hpp"
#include "host/automation/action_kind.hpp"
#include "host/automation/policy_book.hpp"
#include "host/automation/saved_solutions.hpp"
#include "host/tasks/task_listener.hpp"

namespace warden::host {

class OutboxRelay;

class AlertRelay;
class AlertService;
class Database;
class PluginRegistry;
class TaskManager;
struct SharedServices;

struct AutomationOptions {
  int workers = 4;                          ///< action_workers
  std::int64_t close_after_ms = 3'600'000;  ///< alert_close_after
  /// The Kafka outbox's relay (message_queue actions); null without mq_conf. Outlives the service.
  OutboxRelay* outbox = nullptr;
};

/// Everything automation needs, made in the right order over one database: the action kinds
/// (notice, solution, webhook, message_queue), the policies, the saved solutions and the engine,
/// wired to the alerts (the notice pipeline, the circuit breaker) and the tasks. It hears task ends
/// as a TaskListener; plugins' alerts reach the engine through the relay once connected.
class AutomationService final : public TaskListener {
 public:
  AutomationService(Database& database, const PluginRegistry& registry,
                    const SharedServices& services, AlertService& alerts, TaskManager& tasks,
                    AutomationOptions options);
  ~AutomationService() override { stop(); }
  AutomationService(const AutomationService&) = delete;
  AutomationService& operator=(const AutomationService&) = delete;

  void start() { engine_.start(); }
  /// Lets running attempts end and be stored; disconnects the relay first.
  void stop();
  /// Plugins' alerts (SharedServices::alerts) go to the engine, then to the channels they name
  /// or, when they name none and no policy takes them, to every enabled channel.
  void connect(AlertRelay& relay);

  PolicyBook& policies() { return policies_; }
  SavedSolutions& solutions() { return solutions_; }
  ActionEngine& engine() { return engine_; }

  void task_started(const std::string&, std::int64_t, std::int64_t) override {}
  void task_ended(const std::string& task_id, std::int64_t) override {
    engine_.task_ended(task_id);
  }

 private:
  ActionEngineHooks hooks(AlertService& alerts, TaskManager& tasks);

  ActionKinds kinds_;
  PolicyBook policies_;
  SavedSolutions solutions_;
  ActionEngine engine_;
  AlertService& alerts_;
  AlertRelay* relay_ = nullptr;
};

}  // namespace warden::host
