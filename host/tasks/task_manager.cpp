#include "host/tasks/task_manager.hpp"

#include "host/runtime/alert_json.hpp"
#include "host/runtime/ids.hpp"
#include "host/tasks/external_task.hpp"
#include "host/tasks/poll_wait.hpp"
#include "host/tasks/solution_condition.hpp"
#include "host/tasks/step_runner.hpp"

#include <warden/json_value.hpp>

#include <Poco/JSON/Parser.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <future>
#include <sstream>

namespace warden::host {
namespace {

std::string seconds_text(std::int64_t ms) {
  std::ostringstream out;
  out << static_cast<double>(ms) / 1000.0;
  return out.str();
}

// The longest wait or timeout the host keeps: about 100 years.
constexpr std::int64_t kMaxWaitMs = 100LL * 366 * 24 * 3600 * 1000;

std::string step_label(const TaskRecord& r) {
  return r.step.empty() ? "run" : r.step;
}

}  // namespace

TaskManager::TaskManager(TaskStore& store, PluginRegistry& registry, SharedServices services,
                         TaskManagerOptions options)
    : store_(store),
      registry_(registry),
      services_(std::move(services)),
      options_(std::move(options)),
      journal_(std::make_unique<TaskJournal>(store)),
      timers_(std::make_unique<TimerQueue>(*options_.clock)) {}

TaskManager::~TaskManager() {
  stop();
}

std::size_t TaskManager::start() {
  auto unfinished = store_.unfinished();
  pollers_ = std::make_unique<WorkQueue>("task pollers", options_.pollers);
  workers_ = std::make_unique<WorkQueue>("task workers", options_.workers);
  std::lock_guard lock(mutex_);
  pick_up_locked(unfinished);
  accepting_ = true;
  if (!unfinished.empty()) spdlog::info("picked up {} unfinished tasks", unfinished.size());
  return unfinished.size();
}

std::size_t TaskManager::adopt(std::vector<TaskRecord> records) {
  std::lock_guard lock(mutex_);
  if (!accepting_) return 0;
  std::erase_if(records, [this](const TaskRecord& r) { return active_.count(r.task_id) > 0; });
  pick_up_locked(records);
  return records.size();
}

void TaskManager::pick_up_locked(std::vector<TaskRecord>& records) {
  const auto now = now_ms();
  for (auto& record : records) {
    const auto id = record.task_id;
    auto& active = active_[id];
    active.record = std::move(record);
    auto& r = active.record;
    if (r.status == TaskStatus::running) arm_deadline(r);
    if (r.status == TaskStatus::waiting && external_source(r.service)) {
      arm_deadline(r);  // its message is in the outbox; a worker takes it from the topic
    } else if (r.status == TaskStatus::waiting) {
      enqueue(id, r.generation);
    } else if (r.wait == TaskWait::none) {
      // The step was running (or about to run) when its host stopped: it runs again, unless a
      // host stopped while it ran before too; a plugin that takes the host down would otherwise
      // do so at every start.
      if (++r.interrupted >= 2) {
        end_locked(active, TaskStatus::failed,
                   "the host stopped twice while step \"" + step_label(r) + "\" ran; not run again",
                   "plugin_crash");
        continue;
      }
      run_when_committed_locked(active);
    } else if (r.wait == TaskWait::callback && r.wake_ms <= now) {
      // Due: its step runs now, stored as about to run so that a stop during it is counted.
      r.wait = TaskWait::none;
      run_when_committed_locked(active);
    } else if (r.wait == TaskWait::callback || r.wait == TaskWait::poll) {
      arm_wait(id, active);
    }
    // An external worker's task waits for that worker's report.
  }
}

void TaskManager::stop() {
  if (!accepting_.exchange(false) && !workers_) return;
  if (workers_) workers_->stop();  // steps that are running end and commit their boundaries
  if (pollers_) pollers_->stop();
  timers_->stop();
  {
    // A step that was queued to run did not run: stored as a due wait, the next start runs it
    // without counting this stop as one during the step.
    std::lock_guard lock(mutex_);
    const auto now = now_ms();
    for (auto& [id, active] : active_) {
      auto& r = active.record;
      if (r.status != TaskStatus::running || r.wait != TaskWait::none || active.executing) continue;
      r.wait = TaskWait::callback;
      r.wake_ms = now;
      commit_locked(active);
    }
  }
  journal_->flush();
  journal_->stop();
  workers_.reset();
  pollers_.reset();
  std::lock_guard lock(mutex_);
  spdlog::info("task manager stopped; {} unfinished tasks stay stored for the next start",
               std::count_if(active_.begin(), active_.end(), [](const auto& entry) {
                 return is_queued_or_running(entry.second.record.status);
               }));
}

const SourceDb* TaskManager::external_source(const std::string& service) const {
  auto it = options_.source_db.find(service);
  return it != options_.source_db.end() && is_external(it->second) ? &it->second : nullptr;
}

bool TaskManager::accepts(const std::string& service) const {
  if (options_.services && std::find(options_.services->begin(), options_.services->end(),
                                     service) == options_.services->end())
    return false;
  if (external_source(service)) return true;
  auto record = registry_.find(service);
  return record && record->loaded() && record->manifest->kind == Kind::solution;
}

std::vector<std::string> TaskManager::services() const {
  std::vector<std::string> out;
  for (const auto& key : registry_.loaded_keys(Kind::solution)) {
    if (accepts(key)) out.push_back(key);
  }
  for (const auto& [service, source] : options_.source_db) {
    if (is_external(source) && accepts(service)) out.push_back(service);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Poco::JSON::Object::Ptr TaskManager::check_condition(const std::string& service,
                                                     const Poco::JSON::Object& condition) const {
  if (accepts(service) && external_source(service)) {
    // An external worker checks its own condition: the host keeps it as given.
    return Poco::JSON::Object::Ptr(new Poco::JSON::Object(condition));
  }
  auto record = registry_.find(service);
  if (!accepts(service) || !record)
    throw RequestError(RequestError::Kind::invalid, "service not support",
                       {{"service", "\"" + service + "\" is not an enabled solution"}});
  auto checked = check_solution_condition(*record, registry_, condition);
  if (!checked.ok())
    throw RequestError(RequestError::Kind::invalid, "invalid condition", checked.errors);
  return checked.values;
}

Poco::JSON::Object::Ptr TaskManager::masked_condition(const TaskRecord& task) const {
  Poco::JSON::Object::Ptr values =
      Poco::JSON::Parser().parse(task.condition).extract<Poco::JSON::Object::Ptr>();
  auto record = registry_.find(task.service);
  if (record && record->manifest) return record->manifest->schema.masked(*values);
  return values;
}

std::int64_t TaskManager::timeout_for(const std::string& service,
                                      std::optional<std::int64_t> asked) const {
  if (asked) return std::clamp<std::int64_t>(*asked, 0, kMaxWaitMs);
  auto it = options_.service_timeout_ms.find(service);
  return it != options_.service_timeout_ms.end() ? it->second : options_.default_timeout_ms;
}

void TaskManager::publish(TaskRecord& record, const SourceDb& source) const {
  // The whole run's limit counts from the message: a task no worker takes fails at it too.
  const auto now = now_ms();
  record.deadline_ms = record.timeout_ms > 0 ? now + record.timeout_ms : 0;
  record.outbox = std::make_shared<const OutboxMessage>(external_task_message(record, source, now));
}

std::string TaskManager::create(const std::string& service, const Poco::JSON::Object& condition,
                                std::optional<std::int64_t> timeout_ms, bool queue,
                                const TaskOrigin& origin) {
  if (!accepting_) throw RequestError(RequestError::Kind::unavailable, "the host is shutting down");
  auto values = check_condition(service, condition);
  TaskRecord record;
  record.create_ms = now_ms();
  record.task_id = make_task_id(service, record.create_ms);
  record.service = service;
  if (auto it = options_.source_db.find(service); it != options_.source_db.end())
    record.source_name = it->second.source_name;
  record.condition = compact_json(values);
  record.status = queue ? TaskStatus::waiting : TaskStatus::ready;
  record.timeout_ms = timeout_for(service, timeout_ms);
  record.action_id = origin.action_id;
  if (origin.alarm) record.alarm = compact_json(*alert_to_json(*origin.alarm));
  const auto* source = external_source(service);
  if (source && queue) publish(record, *source);
  const auto id = record.task_id;
  ++created_;
  commit_and_wait(record, [this, queue, record]() mutable {
    if (!queue) return;
    auto outbox = std::move(record.outbox);
    active_[record.task_id].record = record;
    if (outbox) {
      arm_deadline(record);
      if (options_.outbox_committed) options_.outbox_committed({*outbox});
      return;
    }
    enqueue(record.task_id, record.generation);
  });
  return id;
}

void TaskManager::commit_and_wait(TaskRecord record, std::function<void()> then_locked) {
  auto done = std::make_shared<std::promise<bool>>();
  auto future = done->get_future();
  journal_->submit(std::move(record), [this, done, then_locked](bool ok) {
    if (ok && then_locked) {
      std::lock_guard lock(mutex_);
      then_locked();
    }
    done->set_value(ok);
  });
  if (!future.get())
    throw RequestError(RequestError::Kind::unavailable,
                       "the task could not be stored; the host log says why");
}

std::optional<TaskRecord> TaskManager::find(const std::string& task_id) {
  return find(std::vector<std::string>{task_id}).front();
}

std::vector<std::optional<TaskRecord>> TaskManager::find(const std::vector<std::string>& ids) {
  std::vector<std::optional<TaskRecord>> out(ids.size());
  std::vector<std::size_t> missing;
  {
    std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < ids.size(); ++i) {
      auto it = active_.find(ids[i]);
      if (it != active_.end())
        out[i] = it->second.record;
      else
        missing.push_back(i);
    }
  }
  // A task that left active_ meanwhile was committed first, so the store has it at worst.
  std::vector<std::shared_ptr<const TaskRecord>> recent(ids.size());
  if (!missing.empty()) {
    std::lock_guard lock(recent_mutex_);
    for (auto i : missing) {
      if (auto it = recent_.find(ids[i]); it != recent_.end()) recent[i] = it->second.record;
    }
  }
  std::vector<std::string> stored;
  for (auto i : missing) {
    if (recent[i])
      out[i] = *recent[i];
    else
      stored.push_back(ids[i]);
  }
  if (stored.empty()) return out;
  auto rows = store_.find_many(stored);
  for (auto& row : rows) {
    for (std::size_t i = 0; i < ids.size(); ++i) {
      if (!out[i] && ids[i] == row.task_id) out[i] = row;
    }
  }
  return out;
}

TaskPage TaskManager::list(const TaskQuery& query) {
  // The filters run in SQL: a task already ended in memory (what status_task shows) must be
  // committed first, or a list filtered by status would not count it yet.
  journal_->flush();
  auto page = store_.list(query);
  std::lock_guard lock(mutex_);
  for (auto& task : page.tasks) {
    auto it = active_.find(task.task_id);
    if (it != active_.end()) task = it->second.record;  // newer than its last commit
  }
  return page;
}

TaskRecord TaskManager::update_status(const std::string& task_id, TaskStatus status,
                                      const std::string& message, const std::string& worker,
                                      const std::string& data) {
  if (status != TaskStatus::running && !is_terminal(status))
    throw RequestError(
        RequestError::Kind::invalid,
        "status must be running, finished or failed, not " + std::string(to_string(status)));
  std::unique_lock lock(mutex_);
  auto it = active_.find(task_id);
  if (it == active_.end()) {
    auto stored = store_.find(task_id);
    if (!stored)
      throw RequestError(RequestError::Kind::not_found, "unknown task_id \"" + task_id + "\"");
    it = active_.emplace(task_id, Active{std::move(*stored)}).first;
  }
  auto& active = it->second;
  auto& r = active.record;
  if (is_terminal(r.status)) {
    std::string was(to_string(r.status));
    if (!active.executing && active.version == 0) active_.erase(it);  // loaded just now
    throw RequestError(RequestError::Kind::conflict,
                       "task \"" + task_id + "\" has already " +
                           (was == "finished" ? "finished" : "failed") +
                           "; /api/start_task queues it again");
  }
  if (!worker.empty() && !r.worker.empty() && worker != r.worker) {
    // A redelivered message reached a second worker: the first one's run stands.
    if (!active.executing && active.version == 0) active_.erase(it);  // loaded just now
    throw RequestError(RequestError::Kind::conflict,
                       "task \"" + task_id + "\" is owned by worker \"" + r.worker +
                           "\", which reported it running first; worker \"" + worker +
                           "\" must leave it");
  }
  if (!worker.empty() && r.worker.empty()) r.worker = worker;
  if (!data.empty()) r.result = data;
  auto done = std::make_shared<std::promise<bool>>();
  auto future = done->get_future();
  if (status == TaskStatus::running) {
    if (r.status == TaskStatus::ready || r.status == TaskStatus::waiting) {
      // An external worker took the task: the host does not run it, but its timeout still counts
      // (for an external service's task, from its message; armed then).
      const bool armed = r.status == TaskStatus::waiting && external_source(r.service);
      r.status = TaskStatus::running;
      r.wait = TaskWait::external;
      r.start_ms = now_ms();
      if (!armed) {
        if (r.timeout_ms > 0) r.deadline_ms = r.start_ms + r.timeout_ms;
        arm_deadline(r);
      }
      for (auto* listener : listeners_) listener->task_started(task_id, r.generation, r.start_ms);
    }
    r.messages["running"] = message;
    commit_locked(active, [done](bool ok) { done->set_value(ok); });
  } else {
    end_locked(active, status, message, "");
    commit_locked(active, [done](bool ok) { done->set_value(ok); });
  }
  TaskRecord answer = r;
  lock.unlock();
  if (!future.get())
    throw RequestError(RequestError::Kind::unavailable,
                       "the task could not be stored; the host log says why");
  return answer;
}

void TaskManager::restart(const std::string& task_id) {
  if (!accepting_) throw RequestError(RequestError::Kind::unavailable, "the host is shutting down");
  std::unique_lock lock(mutex_);
  TaskRecord r;
  if (auto it = active_.find(task_id); it != active_.end()) {
    r = it->second.record;
  } else {
    auto stored = store_.find(task_id);
    if (!stored)
      throw RequestError(RequestError::Kind::not_found, "unknown task_id \"" + task_id + "\"");
    r = std::move(*stored);
  }
  if (is_queued_or_running(r.status))
    throw RequestError(RequestError::Kind::conflict,
                       "task \"" + task_id + "\" is " + std::string(to_string(r.status)) +
                           "; only a ready, finished or failed task can be started");
  if (!accepts(r.service))
    throw RequestError(RequestError::Kind::conflict,
                       "task \"" + task_id + "\" is of service \"" + r.service +
                           "\", which is not an enabled solution now");
  const std::uint64_t version = active_.count(task_id) ? active_[task_id].version : 0;
  TaskRecord fresh;
  fresh.task_id = r.task_id;
  fresh.service = r.service;
  fresh.source_name = r.source_name;
  fresh.condition = r.condition;
  fresh.create_ms = r.create_ms;
  fresh.timeout_ms = r.timeout_ms;
  fresh.action_id = r.action_id;
  fresh.alarm = r.alarm;
  fresh.status = TaskStatus::waiting;
  fresh.generation = r.generation + 1;
  const auto* source = external_source(fresh.service);
  if (source) publish(fresh, *source);  // a new message, for the new run
  auto& active = active_[task_id];
  active = Active{};
  active.record = std::move(fresh);
  active.version = version;
  auto done = std::make_shared<std::promise<bool>>();
  auto future = done->get_future();
  const auto generation = active.record.generation;
  auto outbox = active.record.outbox;
  commit_locked(active, [this, done, task_id, generation, outbox](bool ok) {
    if (ok) {
      std::lock_guard relock(mutex_);
      if (!outbox) {
        enqueue(task_id, generation);
      } else if (auto it = active_.find(task_id);
                 it != active_.end() && it->second.record.generation == generation) {
        arm_deadline(it->second.record);
        if (options_.outbox_committed) options_.outbox_committed({*outbox});
      }
    }
    done->set_value(ok);
  });
  active.record.outbox.reset();  // committed with this row only
  lock.unlock();
  if (!future.get())
    throw RequestError(RequestError::Kind::unavailable,
                       "the task could not be stored; the host log says why");
}

void TaskManager::update_condition(const std::string& task_id,
                                   const Poco::JSON::Object& condition) {
  std::unique_lock lock(mutex_);
  auto it = active_.find(task_id);
  if (it == active_.end()) {
    auto stored = store_.find(task_id);
    if (!stored)
      throw RequestError(RequestError::Kind::not_found, "unknown task_id \"" + task_id + "\"");
    it = active_.emplace(task_id, Active{std::move(*stored)}).first;
  }
  auto& active = it->second;
  auto forget_unchanged = [&] {
    if (active.version == 0 && !is_queued_or_running(active.record.status)) active_.erase(it);
  };
  if (is_queued_or_running(active.record.status)) {
    auto status = std::string(to_string(active.record.status));
    forget_unchanged();
    throw RequestError(
        RequestError::Kind::conflict,
        "task \"" + task_id + "\" is " + status + "; its condition can change once it has ended");
  }
  Poco::JSON::Object::Ptr values;
  try {
    values = check_condition(active.record.service, condition);
  } catch (...) {
    forget_unchanged();
    throw;
  }
  active.record.condition = compact_json(values);
  auto done = std::make_shared<std::promise<bool>>();
  auto future = done->get_future();
  commit_locked(active, [done](bool ok) { done->set_value(ok); });
  lock.unlock();
  if (!future.get())
    throw RequestError(RequestError::Kind::unavailable,
                       "the task could not be stored; the host log says why");
}

bool TaskManager::force_fail(const std::string& task_id, std::int64_t generation,
                             const std::string& message, bool skip) {
  std::lock_guard lock(mutex_);
  auto it = active_.find(task_id);
  if (it == active_.end()) return false;
  auto& active = it->second;
  if (active.record.generation != generation || !is_queued_or_running(active.record.status))
    return false;
  active.record.skipped = skip;
  end_locked(active, TaskStatus::failed, message, skip ? "timer_skip" : "timer");
  return true;
}

TaskManager::Counts TaskManager::counts() const {
  Counts c;
  {
    std::lock_guard lock(mutex_);
    c.active = active_.size();
  }
  c.queued = workers_ ? workers_->queued() : 0;
  c.timers = timers_->pending();
  c.created = created_.load();
  c.finished = finished_.load();
  c.failed = failed_.load();
  c.commits = journal_->commits();
  c.rows = journal_->rows();
  return c;
}

// ---- running ----

void TaskManager::enqueue(const std::string& task_id, std::int64_t generation) {
  if (workers_) workers_->post([this, task_id, generation] { execute(task_id, generation); });
}

void TaskManager::execute(const std::string& task_id, std::int64_t generation) {
  TaskRecord snapshot;
  {
    std::lock_guard lock(mutex_);
    auto it = active_.find(task_id);
    if (it == active_.end()) return;
    auto& active = it->second;
    auto& r = active.record;
    if (r.generation != generation || active.executing || r.wait != TaskWait::none ||
        !is_queued_or_running(r.status))
      return;
    if (r.status == TaskStatus::waiting) {
      r.status = TaskStatus::running;
      r.start_ms = now_ms();
      r.deadline_ms = r.timeout_ms > 0 ? r.start_ms + r.timeout_ms : 0;
      arm_deadline(r);
      for (auto* listener : listeners_) listener->task_started(task_id, r.generation, r.start_ms);
      // The first step runs once `running` is stored, so that a start finds it was running.
      run_when_committed_locked(active);
      return;
    }
    active.executing = true;
    snapshot = r;
  }
  const auto plugin = registry_.find(snapshot.service);
  StepResult result;
  if (!plugin || !plugin->loaded()) {
    result.ok = false;
    result.error = "solution \"" + snapshot.service + "\" is not loaded";
  } else {
    auto source = options_.source_db.find(snapshot.service);
    result = run_step(registry_.host(), *plugin, snapshot,
                      source == options_.source_db.end() ? SourceDb{} : source->second, services_);
  }
  finish_step(task_id, generation, std::move(result));
}

void TaskManager::end_finished_locked(Active& active, const SolutionOutcome& outcome,
                                      const std::string& step) {
  if (outcome.result == "success")
    end_locked(active, TaskStatus::finished, outcome.comment, "");
  else if (outcome.result == "failure")
    end_locked(active, TaskStatus::failed, outcome.comment, outcome.failure_type);
  else
    end_locked(active, TaskStatus::failed,
               "step " + step + " called set_finished with result \"" + outcome.result +
                   "\"; expected \"success\" or \"failure\"",
               "invalid_result");
}

void TaskManager::finish_step(const std::string& task_id, std::int64_t generation,
                              StepResult result) {
  std::lock_guard lock(mutex_);
  auto it = active_.find(task_id);
  if (it == active_.end() || it->second.record.generation != generation)
    return;  // ended meanwhile (timeout, an external report): what the step did is dropped
  auto& active = it->second;
  auto& r = active.record;
  active.executing = false;
  r.interrupted = 0;  // committed with the step's end, as everything below is
  const auto step = step_label(r);
  if (!result.ok) {
    end_locked(active, TaskStatus::failed, "step " + step + " failed: " + result.error,
               result.failure_type.empty() ? "exception" : result.failure_type);
    return;
  }
  r.state = std::move(result.state);
  r.result = std::move(result.output);
  r.answer.clear();
  const auto& outcome = result.outcome;
  switch (outcome.next) {
    case SolutionOutcome::Next::finished:
      end_finished_locked(active, outcome, step);
      return;
    case SolutionOutcome::Next::wait_callback:
      r.step = outcome.step;
      r.wait = TaskWait::callback;
      // Clamped, so that an absurd delay cannot overflow the due time.
      r.wake_ms = now_ms() + std::clamp<std::int64_t>(outcome.delay.count(), 0, kMaxWaitMs);
      break;
    case SolutionOutcome::Next::wait_polling: {
      const auto now = now_ms();
      r.step = outcome.step;
      r.wait = TaskWait::poll;
      r.poll = PollWait::from_options(outcome.url, outcome.poll, now).to_json();
      r.wake_ms = now;
      break;
    }
    case SolutionOutcome::Next::none:
      end_locked(
          active, TaskStatus::failed,
          "step " + step + " returned without set_finished, wait_callback or wait_polling_callback",
          "no_outcome");
      return;
  }
  ++active.wait_seq;
  // The wait is armed only once the boundary is durable: a completed step never runs again.
  commit_locked(active, [this, task_id, generation, seq = active.wait_seq](bool) {
    std::lock_guard relock(mutex_);
    auto found = active_.find(task_id);
    if (found == active_.end() || found->second.record.generation != generation ||
        found->second.wait_seq != seq)
      return;
    arm_wait(task_id, found->second);
  });
}

void TaskManager::run_when_committed_locked(Active& active) {
  commit_locked(
      active, [this, task_id = active.record.task_id, generation = active.record.generation](bool) {
        // Not stored (logged): it runs all the same, as it did before it was counted.
        std::lock_guard relock(mutex_);
        enqueue(task_id, generation);
      });
}

void TaskManager::arm_wait(const std::string& task_id, const Active& active) {
  const auto generation = active.record.generation;
  const auto seq = active.wait_seq;
  if (active.record.wait == TaskWait::callback) {
    timers_->schedule_at_ms(active.record.wake_ms, [this, task_id, generation, seq] {
      on_wake(task_id, generation, seq);
    });
  } else if (active.record.wait == TaskWait::poll) {
    timers_->schedule_at_ms(active.record.wake_ms, [this, task_id, generation, seq] {
      if (pollers_)
        pollers_->post([this, task_id, generation, seq] { poll_once(task_id, generation, seq); });
    });
  }
}

void TaskManager::on_wake(const std::string& task_id, std::int64_t generation, std::uint64_t seq) {
  std::lock_guard lock(mutex_);
  auto it = active_.find(task_id);
  if (it == active_.end()) return;
  auto& active = it->second;
  if (active.record.generation != generation || active.wait_seq != seq ||
      active.record.wait != TaskWait::callback)
    return;
  // Not committed on purpose: after a restart the stored, past-due wait fires at once instead.
  active.record.wait = TaskWait::none;
  enqueue(task_id, generation);
}

void TaskManager::poll_once(const std::string& task_id, std::int64_t generation,
                            std::uint64_t seq) {
  PollWait poll;
  auto still_waiting = [&](Active& a) {
    return a.record.generation == generation && a.wait_seq == seq &&
           a.record.wait == TaskWait::poll;
  };
  {
    std::lock_guard lock(mutex_);
    auto it = active_.find(task_id);
    if (it == active_.end() || !still_waiting(it->second)) return;
    try {
      poll = PollWait::from_json(it->second.record.poll);
    } catch (const std::exception& e) {
      end_locked(it->second, TaskStatus::failed, e.what(), "exception");
      return;
    }
  }
  auto answer = poll.attempt(*services_.http);  // no lock held while the request runs
  const auto now = now_ms();
  std::lock_guard lock(mutex_);
  auto it = active_.find(task_id);
  if (it == active_.end() || !still_waiting(it->second)) return;
  auto& active = it->second;
  auto& r = active.record;
  r.poll = poll.to_json();
  if (answer || poll.exhausted(now)) {
    if (!answer)
      spdlog::info("task {}: polling for step {} gave up after {} attempts: {}", task_id, r.step,
                   poll.attempts, poll.last_error);
    r.wait = TaskWait::none;
    r.answer = answer ? compact_json(*answer) : "null";
    ++active.wait_seq;
    commit_locked(active, [this, task_id, generation](bool) {
      std::lock_guard relock(mutex_);
      enqueue(task_id, generation);
    });
    return;
  }
  r.wake_ms = std::min(poll.next_attempt_ms(now), poll.until_ms);
  commit_locked(active);
  arm_wait(task_id, active);
}

void TaskManager::arm_deadline(const TaskRecord& record) {
  if (record.deadline_ms <= 0) return;
  timers_->schedule_at_ms(record.deadline_ms,
                          [this, task_id = record.task_id, generation = record.generation] {
                            on_deadline(task_id, generation);
                          });
}

void TaskManager::on_deadline(const std::string& task_id, std::int64_t generation) {
  std::lock_guard lock(mutex_);
  auto it = active_.find(task_id);
  if (it == active_.end()) return;
  auto& active = it->second;
  auto& r = active.record;
  if (r.generation != generation || !is_queued_or_running(r.status)) return;
  std::string doing;
  if (active.executing)
    doing = " while step " + step_label(r) + " was running";
  else if (r.wait == TaskWait::callback)
    doing = " while it waited to run step " + r.step;
  else if (r.wait == TaskWait::poll)
    doing = " while it polled for step " + r.step;
  else if (r.wait == TaskWait::external)
    doing = " while an external worker had it";
  else if (r.status == TaskStatus::waiting && external_source(r.service))
    doing = " while no worker had taken it from topic " + external_source(r.service)->topic_name;
  end_locked(active, TaskStatus::failed,
             "timed out: the task ran longer than its timeout of " + seconds_text(r.timeout_ms) +
                 " s" + doing,
             "timeout");
}

void TaskManager::end_locked(Active& active, TaskStatus status, const std::string& message,
                             const std::string& failure_type) {
  auto& r = active.record;
  r.status = status;
  r.messages[std::string(to_string(status))] = message;
  r.failure_type = failure_type;
  r.end_ms = now_ms();
  if (r.start_ms == 0) r.start_ms = r.end_ms;
  r.wait = TaskWait::none;
  r.wake_ms = 0;
  r.answer.clear();
  for (auto* listener : listeners_) listener->task_ended(r.task_id, r.generation);
  ++r.generation;  // whatever the run left behind (a timer, a poll, a running step) is now stale
  ++(status == TaskStatus::finished ? finished_ : failed_);
  active.executing = false;
  spdlog::debug("task {} {}: {}", r.task_id, to_string(status), message);
  commit_locked(active);
}

void TaskManager::commit_locked(Active& active, TaskJournal::Then then) {
  const auto version = ++active.version;
  journal_->submit(active.record, [this, task_id = active.record.task_id, version,
                                   then = std::move(then)](bool ok) {
    {
      // An ended or ready task is kept in memory only until its last change is durable.
      std::lock_guard lock(mutex_);
      auto it = active_.find(task_id);
      if (it != active_.end() && it->second.version == version &&
          !is_queued_or_running(it->second.record.status) && !it->second.executing) {
        if (ok) remember_ended(it->second.record);
        active_.erase(it);
      }
    }
    if (then) then(ok);
  });
}

void TaskManager::remember_ended(const TaskRecord& record) {
  if (options_.recent_capacity == 0) return;
  auto shared = std::make_shared<const TaskRecord>(record);
  std::lock_guard lock(recent_mutex_);
  const auto order = recent_next_++;
  recent_[record.task_id] = {std::move(shared), order};
  recent_order_.emplace_back(record.task_id, order);
  while (recent_order_.size() > options_.recent_capacity) {
    auto [id, was] = recent_order_.front();
    recent_order_.pop_front();
    if (auto it = recent_.find(id); it != recent_.end() && it->second.order == was)
      recent_.erase(it);
  }
}

}  // namespace warden::host
