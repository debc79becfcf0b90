#pragma once

#include "host/config/host_config.hpp"
#include "host/plugins/plugin_registry.hpp"
#include "host/runtime/request_error.hpp"
#include "host/runtime/timer_queue.hpp"
#include "host/runtime/work_queue.hpp"
#include "host/services/host_services_impl.hpp"
#include "host/tasks/step_runner.hpp"
#include "host/tasks/task_journal.hpp"
#include "host/tasks/task_listener.hpp"
#include "host/tasks/task_record.hpp"
#include "host/tasks/task_store.hpp"

#include <warden/alert.hpp>

#include <Poco/JSON/Object.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace warden::host {

struct TaskManagerOptions {
  int workers = 4;  ///< threads that run steps
  int pollers = 2;  ///< threads that make wait_polling_callback requests
  /// The whole run's limit when neither the task nor its solution sets one; 0: none.
  std::int64_t default_timeout_ms = 3'600'000;
  std::map<std::string, std::int64_t> service_timeout_ms;  ///< per solution
  std::optional<std::vector<std::string>> services;        ///< `service`; absent: every solution
  std::map<std::string, SourceDb> source_db;
  /// Hears of outbox messages (external tasks') once committed: the relay, which then sends
  /// them at once rather than at its next look at the table. May be empty.
  std::function<void(std::vector<OutboxMessage>)> outbox_committed;
  /// Ended tasks kept in memory for reads (the newest ones); older ones are read from the store.
  std::size_t recent_capacity = 20'000;
  /// What waits are due by and records are dated with; outlives the manager.
  const Clock* clock = &system_clock();
};

/// Where a task came from when not from create_task: the automation action that made it and the
/// alert that caused it (the solution's alarm()).
struct TaskOrigin {
  std::string action_id;
  std::optional<Alert> alarm;
};

/// Runs solutions as tasks (seed 004, SPEC §5). Every state change goes through the journal (group
/// commit); what must only happen once a change is durable (answering create_task, the next step,
/// arming a wait) happens after its commit. Waits are timers, never sleeping threads. A started
/// host picks up every `waiting` and `running` task where its last committed step left it, so a
/// step runs again only if the host died before that step's end was committed.
class TaskManager {
 public:
  TaskManager(TaskStore& store, PluginRegistry& registry, SharedServices services,
              TaskManagerOptions options);
  ~TaskManager();
  TaskManager(const TaskManager&) = delete;
  TaskManager& operator=(const TaskManager&) = delete;

  /// Adds one who hears of runs starting and ending (timers, the automation engine). Not owned;
  /// it must outlive the manager's stop().
  void add_listener(TaskListener* listener) {
    std::lock_guard lock(mutex_);
    listeners_.push_back(listener);
  }

  /// Picks up unfinished tasks and starts the threads. Returns how many tasks were picked up.
  std::size_t start();
  /// Takes over tasks claimed from a host whose lease lapsed (TaskStore::claim): each goes on
  /// where its last committed step left it, as at start-up. Returns how many it took.
  std::size_t adopt(std::vector<TaskRecord> records);
  /// Graceful stop: refuses new work, lets steps that are running end and commits their
  /// boundaries; queued tasks and waits stay stored for the next start. Idempotent.
  void stop();

  /// Creates a task of `service` with `condition` (checked against the solution's fields) and,
  /// when `queue`, queues it (`waiting`), else leaves it `ready`. Returns its id once stored.
  /// `origin`: the action and alert that caused it, stored with the task.
  std::string create(const std::string& service, const Poco::JSON::Object& condition,
                     std::optional<std::int64_t> timeout_ms, bool queue,
                     const TaskOrigin& origin = {});
  /// The current record of each id (nullopt for an unknown id), in the order asked.
  std::vector<std::optional<TaskRecord>> find(const std::vector<std::string>& task_ids);
  std::optional<TaskRecord> find(const std::string& task_id);
  /// An external worker's report: `running`, `finished` or `failed`, with a message. `worker`
  /// (may be empty): the first worker to report `running` owns the run, and another's report is
  /// refused (RequestError conflict). `data`: the result as compact JSON, or empty.
  TaskRecord update_status(const std::string& task_id, TaskStatus status,
                           const std::string& message, const std::string& worker = "",
                           const std::string& data = "");
  /// Queues a `ready`, `finished` or `failed` task again, from its first step.
  void restart(const std::string& task_id);
  /// Replaces the condition of a task that is neither `waiting` nor `running`.
  void update_condition(const std::string& task_id, const Poco::JSON::Object& condition);
  /// Answers once every change made before the call is committed, so its status filter agrees
  /// with what find() already shows.
  TaskPage list(const TaskQuery& query);
  /// Fails run `generation` of a task that is still queued or running (a timer's forced_fail):
  /// its wait or poll is dropped and a step still executing has its result ignored. `skip` also
  /// marks it skipped. Returns false when that run has already ended.
  bool force_fail(const std::string& task_id, std::int64_t generation, const std::string& message,
                  bool skip);
  /// `condition` checked against `service`'s fields as create() checks it: the complete, coerced
  /// values. Throws RequestError (invalid): "service not support", or the fields' errors.
  Poco::JSON::Object::Ptr check_condition(const std::string& service,
                                          const Poco::JSON::Object& condition) const;
  /// The services create_task accepts: `service` from the config, or every loaded solution and
  /// every external service.
  std::vector<std::string> services() const;
  /// The external services' sources (source_db entries with a topic) by service.
  const SourceDb* external_source(const std::string& service) const;
  /// The condition with password fields masked, for a read endpoint.
  Poco::JSON::Object::Ptr masked_condition(const TaskRecord& task) const;

  /// For GET /metrics.
  struct Counts {
    std::size_t active = 0;  ///< tasks in memory: waiting, running, or ending
    std::size_t queued = 0;  ///< steps waiting for a worker
    std::size_t timers = 0;  ///< waits, polls and deadlines armed
    std::uint64_t created = 0, finished = 0, failed = 0;
    std::uint64_t commits = 0, rows = 0;  ///< the journal's transactions and the rows they wrote
  };
  Counts counts() const;

 private:
  std::int64_t now_ms() const { return options_.clock->now_ms(); }
  struct Active {
    TaskRecord record;
    bool executing = false;
    std::uint64_t wait_seq = 0;  // identifies the wait a timer or a poll belongs to
    std::uint64_t version = 0;   // changes submitted to the journal
  };

  void pick_up_locked(std::vector<TaskRecord>& records);
  std::int64_t timeout_for(const std::string& service, std::optional<std::int64_t> asked) const;
  void enqueue(const std::string& task_id, std::int64_t generation);
  void execute(const std::string& task_id, std::int64_t generation);
  void finish_step(const std::string& task_id, std::int64_t generation, StepResult result);
  /// The step called set_finished: the task ends as its result says.
  void end_finished_locked(Active& active, const SolutionOutcome& outcome, const std::string& step);
  /// Commits `active` and queues its step once that is durable.
  void run_when_committed_locked(Active& active);
  void arm_wait(const std::string& task_id, const Active& active);
  void on_wake(const std::string& task_id, std::int64_t generation, std::uint64_t seq);
  void poll_once(const std::string& task_id, std::int64_t generation, std::uint64_t seq);
  void arm_deadline(const TaskRecord& record);
  void on_deadline(const std::string& task_id, std::int64_t generation);
  /// Ends an active task (under mutex_): terminal status, message, end time, a new generation
  /// (so whatever its old run left behind is ignored); committed, then forgotten.
  void end_locked(Active& active, TaskStatus status, const std::string& message,
                  const std::string& failure_type);
  /// Submits `active`'s record to the journal; `then` runs after the commit. An ended or ready
  /// task is forgotten once its latest change is committed (reads then go to the store).
  void commit_locked(Active& active, TaskJournal::Then then = {});
  /// Commits a record and waits for it; throws RequestError::unavailable when it cannot be stored.
  void commit_and_wait(TaskRecord record, std::function<void()> then_locked = {});
  bool accepts(const std::string& service) const;
  /// Makes the outbox message of `record`'s run (an external service's task) and its deadline.
  void publish(TaskRecord& record, const SourceDb& source) const;

  TaskStore& store_;
  PluginRegistry& registry_;
  SharedServices services_;
  TaskManagerOptions options_;
  std::vector<TaskListener*> listeners_;

  /// Keeps the committed record of a task that left active_ (ended, or ready) for reads:
  /// status_task mostly asks about tasks that ended a moment ago.
  void remember_ended(const TaskRecord& record);

  mutable std::mutex mutex_;
  std::unordered_map<std::string, Active> active_;  // waiting or running, or ending (uncommitted)

  // The most recently ended tasks, as committed; evicted oldest first.
  struct Recent {
    std::shared_ptr<const TaskRecord> record;
    std::uint64_t order = 0;
  };
  mutable std::mutex recent_mutex_;
  std::unordered_map<std::string, Recent> recent_;
  std::deque<std::pair<std::string, std::uint64_t>> recent_order_;
  std::uint64_t recent_next_ = 0;
  std::atomic<bool> accepting_{false};
  std::atomic<std::uint64_t> created_{0}, finished_{0}, failed_{0};

  // Declared last: destroyed (threads joined) first.
  std::unique_ptr<TaskJournal> journal_;
  std::unique_ptr<TimerQueue> timers_;
  std::unique_ptr<WorkQueue> pollers_;
  std::unique_ptr<WorkQueue> workers_;
};

}  // namespace warden::host
