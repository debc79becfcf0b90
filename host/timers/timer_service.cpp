#include "host/timers/timer_service.hpp"

#include "host/tasks/task_manager.hpp"
#include "host/timers/timer_action_runner.hpp"
#include "host/timers/timer_plan.hpp"

#include <warden/json_value.hpp>

#include <Poco/JSON/Parser.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <regex>
#include <sstream>

namespace warden::host {
namespace {

Poco::JSON::Object::Ptr parse_object(const std::string& text) {
  if (text.empty()) return new Poco::JSON::Object;
  return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

bool is_builtin(const std::string& action) {
  return action == TimerService::kForcedFail || action == TimerService::kForcedFailAndSkip;
}

bool will_not_fire_again(TimerState state) {
  return state != TimerState::armed;
}

// replay_all replays at most this many of the latest missed occurrences; older ones are skipped.
constexpr std::int64_t kMaxReplay = 100;

std::string duration_text(std::int64_t ms) {
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
}

}  // namespace

TimerService::TimerService(TimerStore& store, PluginRegistry& registry, SharedServices services,
                           TimerServiceOptions options)
    : store_(store),
      registry_(registry),
      services_(std::move(services)),
      options_(options),
      journal_(std::make_unique<GroupCommit<TimerRecord>>(
          "timer", [&store](const std::vector<TimerRecord>& rows) { store.write(rows); },
          [](const TimerRecord& row) { return row.key(); })) {}

TimerService::~TimerService() {
  stop();
}

void TimerService::load(TaskManager& tasks) {
  load_started_us_ = now_us();
  std::lock_guard lock(mutex_);
  tasks_ = &tasks;
  tasks.add_listener(this);
  store_.load([&](TimerRecord&& row) { insert_locked(std::move(row)); });
}

std::uint64_t TimerService::insert_locked(TimerRecord&& row) {
  std::uint64_t handle = 0;
  if (row.kind == TimerKind::event) {
    handle = handle_of_event(row.id);
    if (handle == 0 || timers_.count(handle)) {
      spdlog::warn("timers: ignoring a stored event with the id \"{}\"", row.id);
      return 0;
    }
    by_node_[row.node_id].push_back(handle);
  } else {
    if (schedule_handles_.count(row.id)) return 0;
    handle = next_schedule_handle_++;
    schedule_handles_[row.id] = handle;
  }
  timers_.emplace(handle, Timer{std::move(row), false});
  return handle;
}

bool TimerService::rearm_locked(std::uint64_t handle, Timer& timer, std::int64_t now) {
  if (timer.record.firing_due_ms != 0 && !timer.running) resume_firing_locked(handle, timer);
  if (timer.record.state != TimerState::armed) return false;
  if (timer.record.due_ms <= now) apply_misfire_locked(timer, now, "while the host was down");
  if (timer.record.state != TimerState::armed) {
    persist_locked(timer);
    return false;
  }
  schedule_locked(handle, timer);
  return true;
}

void TimerService::resume_firing_locked(std::uint64_t handle, Timer& timer) {
  auto& r = timer.record;
  if (++r.firing_interrupted >= 2) {
    spdlog::warn("timer {} ({}): its host stopped twice while its action ran; not run again", r.id,
                 r.action);
    ++failed_;
    ++r.failures;
    r.last_outcome = FireOutcome::failed;
    r.last_error = "the host stopped twice while this firing's action ran; not run again";
    r.firing_due_ms = 0;
    r.firing_interrupted = 0;
    r.updated_ms = now_ms();
    persist_locked(timer);
    return;
  }
  // The firing's action had not ended when its host stopped: it runs again (at least once), once
  // the count of stops is durable.
  Firing firing;
  firing.handle = handle;
  firing.due_ms = r.firing_due_ms;
  firing.started_us = now_us();
  firing.record = r;
  timer.running = true;
  ++in_flight_;
  persist_locked(timer, [this, firing = std::move(firing)](bool ok) {
    workers_->post([this, firing, ok] { run_firing(firing, ok); });
  });
}

std::size_t TimerService::start() {
  {
    std::lock_guard lock(mutex_);
    if (started_) return rearmed_;
  }
  workers_ = std::make_unique<WorkQueue>("timer actions", options_.workers);
  queue_ = std::make_unique<TimerQueue>(*options_.clock);
  std::lock_guard lock(mutex_);
  started_ = true;
  const auto now = now_ms();
  std::size_t armed = 0;
  for (auto& [handle, timer] : timers_) armed += rearm_locked(handle, timer, now);
  rearmed_ = armed;
  rearm_seconds_ = static_cast<double>(now_us() - load_started_us_) / 1e6;
  spdlog::info("timers: {} stored, {} armed in {:.3f} s", timers_.size(), armed, rearm_seconds_);
  queue_->schedule_at_ms(now, [this] { cleanup(); });
  return armed;
}

std::size_t TimerService::adopt(std::vector<TimerRecord> records) {
  std::lock_guard lock(mutex_);
  if (!started_ || stopping_) return 0;
  const auto now = now_ms();
  std::size_t armed = 0;
  for (auto& record : records) {
    const auto handle = insert_locked(std::move(record));
    if (handle) armed += rearm_locked(handle, timers_.at(handle), now);
  }
  return armed;
}

std::uint64_t TimerService::next_event_locked() {
  if (next_event_ >= event_block_end_) {
    constexpr std::uint64_t kBlock = 1024;
    next_event_ = store_.reserve_event_ids(kBlock);
    event_block_end_ = next_event_ + kBlock;
  }
  return next_event_++;
}

void TimerService::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;  // no firing starts from now on
  }
  if (queue_) queue_->stop();
  {
    // Firings already moved on run their actions (their commits queue them) and record them.
    std::unique_lock lock(mutex_);
    firings_ended_.wait(lock, [this] { return in_flight_ == 0; });
  }
  if (workers_) workers_->stop();
  journal_->flush();
  journal_->stop();
}

// ---- checking and storing ----

std::uint64_t TimerService::handle_of_event(const std::string& id) const {
  if (id.size() < 4 || id.compare(0, 3, "te_") != 0) return 0;
  std::uint64_t n = 0;
  for (std::size_t i = 3; i < id.size(); ++i) {
    if (id[i] < '0' || id[i] > '9' || n > (std::uint64_t{1} << 60)) return 0;
    n = n * 10 + static_cast<std::uint64_t>(id[i] - '0');
  }
  return n < (std::uint64_t{1} << 62) ? n : 0;
}

std::string TimerService::check_action(const TimerSpec& spec, TimerKind kind,
                                       const FieldError& error) const {
  Poco::JSON::Object empty;
  const Poco::JSON::Object& params = spec.params ? *spec.params : empty;
  if (is_builtin(spec.action)) {
    if (kind == TimerKind::schedule)
      error("action",
            "\"" + spec.action + "\" acts on a task; a schedule runs a timer_action plugin");
    else if (params.size() != 0)
      error("params", "\"" + spec.action + "\" takes no params");
    return "{}";
  }
  auto plugin = registry_.find(spec.action);
  if (!plugin || !plugin->loaded() || plugin->manifest->kind != Kind::timer_action) {
    std::string known = kind == TimerKind::event ? "forced_fail, forced_fail_and_skip" : "";
    for (const auto& key : registry_.loaded_keys(Kind::timer_action))
      known += (known.empty() ? "" : ", ") + key;
    error("action", "\"" + spec.action + "\" is not a loaded timer action; known: " +
                        (known.empty() ? "none" : known));
    return "{}";
  }
  auto checked = plugin->manifest->schema.apply(params, nullptr, registry_options(registry_));
  for (const auto& [field, what] : checked.errors) error("params." + field, what);
  return checked.ok() ? compact_json(checked.values) : "{}";
}

void TimerService::check_definition(TimerRecord& r, TimerKind kind, const std::string& timer_type,
                                    const FieldError& error) const {
  auto type = parse_timer_type(timer_type);
  if (!type || (kind == TimerKind::event && *type == TimerType::cron)) {
    error("timer_type",
          kind == TimerKind::event
              ? "must be time_date, time_duration or time_cycle, not \"" + timer_type + "\""
              : "must be time_date, time_duration, time_cycle or cron, not \"" + timer_type + "\"");
    return;
  }
  r.type = *type;
  try {
    auto plan = TimerPlan::parse(r.type, r.defined, r.time_zone);
    const auto now = now_ms();
    const auto first = plan.due_ms(now, 0, 0);  // refuses one past 9999-12-31
    const auto period = plan.period_ms();
    if (kind == TimerKind::schedule && r.type == TimerType::time_date && first.value_or(0) <= now)
      error("defined", "time_date \"" + r.defined + "\" has already passed");
    else if (period && *period < options_.min_period_ms)
      error("defined", std::string(to_string(r.type)) + " \"" + r.defined +
                           "\": the period must be at least " +
                           duration_text(options_.min_period_ms));
  } catch (const std::exception& e) {
    const bool zone = r.type == TimerType::cron && !r.time_zone.empty() &&
                      std::string(e.what()).find("zone") != std::string::npos;
    error(zone ? "time_zone" : "defined", e.what());
  }
}

TimerRecord TimerService::check(const TimerSpec& spec, TimerKind kind, const std::string& place,
                                std::map<std::string, std::string>& errors) const {
  TimerRecord r;
  r.kind = kind;
  r.enable = spec.enable;
  r.action = spec.action;
  r.defined = spec.defined;
  r.time_zone = spec.time_zone;
  const FieldError error = [&](const std::string& field, const std::string& what) {
    errors.emplace(place + "." + field, what);
  };
  r.params = check_action(spec, kind, error);
  check_definition(r, kind, spec.timer_type, error);
  if (spec.misfire.empty()) {
    r.misfire = Misfire::fire_once;
  } else if (auto misfire = parse_misfire(spec.misfire)) {
    r.misfire = *misfire;
  } else {
    error("misfire", "must be fire_once, skip or replay_all, not \"" + spec.misfire + "\"");
  }
  r.created_ms = r.updated_ms = now_ms();
  r.state = spec.enable ? TimerState::pending : TimerState::disabled;
  return r;
}

std::vector<TimerRecord> TimerService::add_events(const std::vector<TimerSpec>& specs) {
  if (!tasks_) throw RequestError(RequestError::Kind::unavailable, "timers are not loaded");
  std::map<std::string, std::string> errors;
  std::map<std::string, std::size_t> index_in_node;
  std::map<std::string, std::optional<TaskRecord>> tasks;
  std::vector<TimerRecord> records;
  for (const auto& spec : specs) {
    const auto place = spec.owner + "[" + std::to_string(index_in_node[spec.owner]++) + "]";
    if (!tasks.count(spec.owner)) {
      tasks[spec.owner] = tasks_->find(spec.owner);
      if (!tasks[spec.owner]) errors.emplace(spec.owner, "unknown task \"" + spec.owner + "\"");
    }
    auto record = check(spec, TimerKind::event, place, errors);
    record.node_id = spec.owner;
    records.push_back(std::move(record));
  }
  if (!errors.empty())
    throw RequestError(RequestError::Kind::invalid, "invalid timer events", std::move(errors));

  std::vector<std::uint64_t> handles;
  {
    std::lock_guard lock(mutex_);
    for (auto& record : records) {
      const auto handle = next_event_locked();
      record.id = "te_" + std::to_string(handle);
      by_node_[record.node_id].push_back(handle);
      timers_.emplace(handle, Timer{record, false});
      handles.push_back(handle);
    }
  }
  // A task that is running now arms its new events from the moment its run started. The task is
  // read without the lock held (the task manager calls in with its own lock held); one that
  // started meanwhile has armed them in task_started, and one that ended meanwhile is seen by
  // the firing.
  for (auto& [node_id, task] : tasks) task = tasks_->find(node_id);
  {
    std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < handles.size(); ++i) {
      auto it = timers_.find(handles[i]);
      if (it == timers_.end()) continue;
      const auto& task = tasks[records[i].node_id];
      if (task && task->status == TaskStatus::running &&
          it->second.record.state == TimerState::pending)
        arm_locked(handles[i], it->second, task->start_ms, task->generation);
      records[i] = it->second.record;
    }
  }
  commit_and_wait(records);
  return records;
}

std::vector<TimerView> TimerService::events(const std::string& node_id) const {
  std::vector<TimerView> out;
  std::lock_guard lock(mutex_);
  auto it = by_node_.find(node_id);
  if (it == by_node_.end()) return out;
  for (auto handle : it->second) {
    auto found = timers_.find(handle);
    if (found != timers_.end()) out.push_back({found->second.record, found->second.running});
  }
  // Oldest first: event numbers grow as events are created (the store keeps no order).
  std::sort(out.begin(), out.end(), [this](const TimerView& a, const TimerView& b) {
    return handle_of_event(a.record.id) < handle_of_event(b.record.id);
  });
  return out;
}

TimerRecord TimerService::cancel_event(const std::string& id) {
  TimerRecord answer;
  {
    std::lock_guard lock(mutex_);
    auto it = timers_.find(handle_of_event(id));
    if (it == timers_.end())
      throw RequestError(RequestError::Kind::not_found, "unknown timer event \"" + id + "\"");
    auto& r = it->second.record;
    r.state = TimerState::cancelled;
    r.due_ms = 0;
    r.updated_ms = now_ms();
    answer = r;
  }
  commit_and_wait({answer});
  return answer;
}

std::pair<TimerRecord, bool> TimerService::put_schedule(const TimerSpec& spec) {
  static const std::regex kName("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  std::map<std::string, std::string> errors;
  if (!std::regex_match(spec.owner, kName))
    errors.emplace("name",
                   "must be 1 to 64 letters, digits, '_', '.' or '-', starting with a letter or "
                   "digit");
  auto record = check(spec, TimerKind::schedule, "schedule", errors);
  // Errors on a schedule read by field name ("defined"), not by place.
  std::map<std::string, std::string> by_field;
  for (auto& [key, what] : errors)
    by_field.emplace(key.rfind("schedule.", 0) == 0 ? key.substr(9) : key, what);
  if (!by_field.empty())
    throw RequestError(RequestError::Kind::invalid, "invalid schedule", std::move(by_field));
  record.id = spec.owner;
  bool created = false;
  {
    std::lock_guard lock(mutex_);
    std::uint64_t handle;
    bool running = false;
    if (auto it = schedule_handles_.find(record.id); it != schedule_handles_.end()) {
      handle = it->second;
      running = timers_[handle].running;
      // A schedule changed in place keeps what its action remembers (a monitor's job states).
      if (timers_[handle].record.action == record.action)
        record.action_state = timers_[handle].record.action_state;
    } else {
      handle = next_schedule_handle_++;
      schedule_handles_[record.id] = handle;
      created = true;
    }
    auto& timer = timers_[handle];
    timer = Timer{record, running};
    if (record.enable) arm_locked(handle, timer, now_ms(), 0);
    record = timer.record;
  }
  commit_and_wait({record});
  return {record, created};
}

std::vector<TimerView> TimerService::schedules() const {
  std::vector<TimerView> out;
  std::lock_guard lock(mutex_);
  for (const auto& [name, handle] : schedule_handles_) {
    const auto& timer = timers_.at(handle);
    out.push_back({timer.record, timer.running});
  }
  std::sort(out.begin(), out.end(),
            [](const TimerView& a, const TimerView& b) { return a.record.id < b.record.id; });
  return out;
}

std::optional<TimerView> TimerService::schedule(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = schedule_handles_.find(name);
  if (it == schedule_handles_.end()) return std::nullopt;
  const auto& timer = timers_.at(it->second);
  return TimerView{timer.record, timer.running};
}

TimerRecord TimerService::delete_schedule(const std::string& name) {
  TimerRecord was;
  {
    std::lock_guard lock(mutex_);
    auto it = schedule_handles_.find(name);
    if (it == schedule_handles_.end())
      throw RequestError(RequestError::Kind::not_found, "unknown schedule \"" + name + "\"");
    was = timers_.at(it->second).record;
    forget_locked(it->second);
  }
  auto removed = was;
  removed.removed = true;
  commit_and_wait({removed});
  return was;
}

Poco::JSON::Object::Ptr TimerService::masked_params(const TimerRecord& timer) const {
  auto values = parse_object(timer.params);
  auto plugin = registry_.find(timer.action);
  if (plugin && plugin->manifest) return plugin->manifest->schema.masked(*values);
  return values;
}

void TimerService::forget_locked(std::uint64_t handle) {
  auto it = timers_.find(handle);
  if (it == timers_.end()) return;
  const auto& r = it->second.record;
  if (r.kind == TimerKind::schedule) {
    schedule_handles_.erase(r.id);
  } else if (auto node = by_node_.find(r.node_id); node != by_node_.end()) {
    auto& handles = node->second;
    handles.erase(std::remove(handles.begin(), handles.end(), handle), handles.end());
    if (handles.empty()) by_node_.erase(node);
  }
  timers_.erase(it);
}

void TimerService::persist_locked(Timer& timer, GroupCommit<TimerRecord>::Then then) {
  journal_->submit(timer.record, std::move(then));
}

void TimerService::commit_and_wait(std::vector<TimerRecord> rows) {
  if (rows.empty()) return;
  auto all_ok = std::make_shared<std::atomic<bool>>(true);
  auto done = std::make_shared<std::promise<void>>();
  auto future = done->get_future();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const bool last = i + 1 == rows.size();
    journal_->submit(std::move(rows[i]), [all_ok, done, last](bool ok) {
      if (!ok) *all_ok = false;
      if (last) done->set_value();
    });
  }
  future.get();
  if (!*all_ok)
    throw RequestError(RequestError::Kind::unavailable,
                       "the timers could not be stored; the host log says why");
}

// ---- arming and firing ----

void TimerService::arm_locked(std::uint64_t handle, Timer& timer, std::int64_t armed_ms,
                              std::int64_t generation) {
  auto& r = timer.record;
  r.armed_ms = armed_ms;
  r.generation = generation;
  r.fired = r.failures = r.skipped = 0;
  r.last_fired_ms = r.last_lateness_us = 0;
  r.last_outcome = FireOutcome::none;
  r.last_error.clear();
  r.state = TimerState::armed;
  r.due_ms = 0;
  advance_locked(handle, timer, true);
}

void TimerService::advance_locked(std::uint64_t handle, Timer& timer, bool catch_up,
                                  GroupCommit<TimerRecord>::Then then) {
  auto& r = timer.record;
  r.updated_ms = now_ms();
  std::optional<std::int64_t> next;
  try {
    next = TimerPlan::of(r).due_ms(r.armed_ms, r.occurrences(), r.due_ms);
  } catch (const std::exception& e) {
    r.last_error = e.what();  // checked when saved; a stored one may predate a rule
  }
  if (!next) {
    r.state = TimerState::done;
    r.due_ms = 0;
  } else {
    r.state = TimerState::armed;
    r.due_ms = *next;
    // A start in the past: what fell due before now follows the misfire policy, not a burst.
    if (catch_up && r.due_ms <= r.updated_ms)
      apply_misfire_locked(timer, r.updated_ms, "before it was armed");
    if (r.state == TimerState::armed) schedule_locked(handle, timer);
  }
  persist_locked(timer, std::move(then));
}

void TimerService::schedule_locked(std::uint64_t handle, const Timer& timer) {
  if (!started_) return;  // start() schedules every armed timer
  queue_->schedule_at_ms(timer.record.due_ms, [this, handle] {
    if (workers_) workers_->post([this, handle] { fire(handle); });
  });
}

void TimerService::apply_misfire_locked(Timer& timer, std::int64_t now, const char* when) {
  auto& r = timer.record;
  const std::int64_t keep = r.misfire == Misfire::fire_once ? 1
                            : r.misfire == Misfire::skip    ? 0
                                                            : kMaxReplay;
  TimerPlan::CatchUp missed;
  try {
    missed = TimerPlan::of(r).catch_up(r.armed_ms, r.occurrences(), r.due_ms, now, keep);
  } catch (const std::exception& e) {
    r.last_error = e.what();  // checked when saved; a stored one may predate a rule
  }
  const auto skipped = missed.missed - missed.kept;
  r.skipped += skipped;
  skipped_ += static_cast<std::uint64_t>(skipped);
  r.updated_ms = now;
  timer.caught_up_ms = now;
  if (missed.kept > 0) {
    r.due_ms = missed.first_kept_ms;  // fires at once; the kept ones after it follow
    return;
  }
  r.last_outcome = FireOutcome::skipped;
  r.last_error = std::to_string(missed.missed) + " firing" + (missed.missed == 1 ? "" : "s") +
                 " fell due " + when + " (misfire: skip)";
  if (missed.next) {
    r.due_ms = *missed.next;
  } else {
    r.state = TimerState::done;
    r.due_ms = 0;
  }
}

void TimerService::fire(std::uint64_t handle) {
  Firing firing;
  std::lock_guard lock(mutex_);
  if (stopping_) return;  // not moved on: the next start fires it by its misfire policy
  const auto started = now_us();
  auto it = timers_.find(handle);
  if (it == timers_.end()) return;
  auto& timer = it->second;
  auto& r = timer.record;
  if (r.state != TimerState::armed || r.due_ms * 1000 > started) return;  // stale wake-up
  firing.handle = handle;
  firing.due_ms = r.due_ms;
  firing.started_us = started;
  if (timer.running && r.misfire == Misfire::replay_all && r.due_ms <= timer.caught_up_ms) {
    return;  // a missed firing being replayed: it runs when the one before it ends
  }
  if (timer.running) {
    // Counted in `skipped`; the last run's outcome and error stay visible.
    ++r.skipped;
    ++skipped_;
    advance_locked(handle, timer);
    return;
  }
  timer.running = true;
  ++r.fired;
  ++fired_;
  r.last_fired_ms = started / 1000;
  r.last_lateness_us = started - firing.due_ms * 1000;
  r.firing_due_ms = firing.due_ms;  // stored with the move-on: the action has not ended
  r.firing_interrupted = 0;
  firing.record = r;
  ++in_flight_;
  // The action runs only once the timer's move-on is durable (with the firing marked as under way:
  // a host that takes the timer up after a stop runs it again, at least once, unless a host
  // stopped during it twice). No thread waits for the commit: the firings due together share it,
  // and their actions are queued after.
  advance_locked(handle, timer, false, [this, firing = std::move(firing)](bool ok) {
    workers_->post([this, firing, ok] { run_firing(firing, ok); });
  });
}

void TimerService::run_firing(Firing firing, bool moved_on) {
  if (!moved_on) {
    record_outcome(firing.handle, firing,
                   {false, "not run: the firing could not be stored (the host log says why)", ""});
    return;
  }
  firing.action_started_us = now_us();
  note_lateness(static_cast<double>(firing.action_started_us - firing.due_ms * 1000) / 1e6);
  auto outcome = run_action(firing);
  record_outcome(firing.handle, firing, outcome);
}

void TimerService::note_lateness(double seconds) {
  std::lock_guard lock(lateness_mutex_);
  std::size_t bucket = 0;
  while (bucket < kLatenessBounds.size() && seconds > kLatenessBounds[bucket]) ++bucket;
  ++lateness_buckets_[bucket];
  lateness_sum_ += seconds;
}

ActionResult TimerService::run_action(const Firing& firing) {
  const auto& r = firing.record;
  Poco::JSON::Object::Ptr data = new Poco::JSON::Object;
  data->set("timer_id", r.id);
  data->set("kind", std::string(to_string(r.kind)));
  data->set("action", r.action);
  data->set("timer_type", std::string(to_string(r.type)));
  data->set("defined", r.defined);
  data->set("fire_count", r.occurrences());
  data->set("due_ms", firing.due_ms);
  data->set("fired_ms", firing.started_us / 1000);
  Poco::JSON::Object::Ptr parent = new Poco::JSON::Object;

  if (r.kind == TimerKind::event) {
    auto task = tasks_ ? tasks_->find(r.node_id) : std::nullopt;
    if (!task || task->generation != r.generation || !is_queued_or_running(task->status))
      return {false, "task \"" + r.node_id + "\" is no longer running", ""};
    data->set("node_id", r.node_id);
    data->set("task_id", r.node_id);
    parent->set("task_id", task->task_id);
    parent->set("service", task->service);
    parent->set("status", std::string(to_string(task->status)));
    parent->set("start_ms", task->start_ms);
    parent->set("condition", parse_object(task->condition));
    Poco::JSON::Object::Ptr context = new Poco::JSON::Object;
    context->set("step", task->step);
    context->set("state", parse_object(task->state));
    context->set("output", parse_object(task->result));
    parent->set("context", context);
    if (is_builtin(r.action)) {
      const bool skip = r.action == kForcedFailAndSkip;
      std::ostringstream message;
      message << r.action << ": timer " << r.id << " (" << to_string(r.type) << " " << r.defined
              << ") fired " << static_cast<double>(firing.due_ms - task->start_ms) / 1000.0
              << " s after the task started running";
      if (!tasks_->force_fail(r.node_id, r.generation, message.str(), skip))
        return {false, "task \"" + r.node_id + "\" had already ended", ""};
      return {true, "", ""};
    }
  }
  auto plugin = registry_.find(r.action);
  if (!plugin) return {false, "timer action \"" + r.action + "\" is not loaded", ""};
  return run_timer_action(registry_.host(), *plugin, r.params, r.action_state, data, parent, r.id,
                          services_);
}

void TimerService::record_outcome(std::uint64_t handle, const Firing& firing,
                                  const ActionResult& outcome) {
  const bool ok = outcome.ok;
  const auto& error = outcome.error;
  if (!ok) {
    ++failed_;
    spdlog::warn("timer {} ({}) failed: {}", firing.record.id, firing.record.action, error);
  }
  std::lock_guard lock(mutex_);
  if (--in_flight_ == 0) firings_ended_.notify_all();
  auto it = timers_.find(handle);
  if (it == timers_.end()) return;  // deleted meanwhile
  auto& timer = it->second;
  auto& r = timer.record;
  timer.running = false;
  r.firing_due_ms = 0;  // ended
  r.firing_interrupted = 0;
  if (!outcome.state.empty()) r.action_state = outcome.state;  // kept across runs and restarts
  if (r.state == TimerState::armed && r.due_ms <= now_ms() && workers_)
    workers_->post([this, handle] { fire(handle); });  // a replay waiting for this one
  if (r.armed_ms == firing.record.armed_ms) {  // else re-armed meanwhile: a new run's counts
    // The lateness stored with the move-on was measured before its commit; this is the action's.
    if (firing.action_started_us != 0 && r.last_fired_ms == firing.started_us / 1000)
      r.last_lateness_us = firing.action_started_us - firing.due_ms * 1000;
    r.last_outcome = ok ? FireOutcome::ok : FireOutcome::failed;
    r.last_error = ok ? "" : error;
    if (!ok) ++r.failures;
  }
  r.updated_ms = now_ms();
  persist_locked(timer);
}

// ---- task runs ----

void TimerService::task_started(const std::string& task_id, std::int64_t generation,
                                std::int64_t start_ms) {
  std::lock_guard lock(mutex_);
  auto node = by_node_.find(task_id);
  if (node == by_node_.end()) return;
  for (auto handle : node->second) {
    auto& timer = timers_.at(handle);
    const auto state = timer.record.state;
    if (state == TimerState::cancelled || state == TimerState::disabled) continue;
    if (state == TimerState::armed && timer.record.generation == generation) continue;
    arm_locked(handle, timer, start_ms, generation);
  }
}

void TimerService::task_ended(const std::string& task_id, std::int64_t generation) {
  std::lock_guard lock(mutex_);
  auto node = by_node_.find(task_id);
  if (node == by_node_.end()) return;
  for (auto handle : node->second) {
    auto& timer = timers_.at(handle);
    auto& r = timer.record;
    if (r.state != TimerState::armed || r.generation != generation) continue;
    r.state = TimerState::ended;
    r.due_ms = 0;
    r.updated_ms = now_ms();
    persist_locked(timer);
  }
}

// ---- housekeeping ----

void TimerService::cleanup() {
  const auto now = now_ms();
  std::size_t removed = 0;
  {
    std::lock_guard lock(mutex_);
    std::vector<std::uint64_t> old;
    for (const auto& [handle, timer] : timers_) {
      if (will_not_fire_again(timer.record.state) && !timer.running &&
          timer.record.updated_ms + options_.max_age_ms < now)
        old.push_back(handle);
    }
    for (auto handle : old) {
      auto row = timers_.at(handle).record;
      row.removed = true;
      forget_locked(handle);
      journal_->submit(std::move(row));
    }
    removed = old.size();
    if (started_ && queue_)
      queue_->schedule_at_ms(now + options_.cleanup_every_ms, [this] { cleanup(); });
  }
  if (removed > 0) spdlog::info("timers: removed {} expired timers", removed);
}

TimerService::Counts TimerService::counts() const {
  Counts c;
  {
    std::lock_guard lock(mutex_);
    c.timers = timers_.size();
    for (const auto& [handle, timer] : timers_) {
      if (timer.record.state == TimerState::armed) ++c.armed;
      if (timer.running) ++c.running;
    }
    c.rearmed = rearmed_;
    c.rearm_seconds = rearm_seconds_;
  }
  c.fired = fired_.load();
  c.failed = failed_.load();
  c.skipped = skipped_.load();
  std::lock_guard lock(lateness_mutex_);
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < lateness_buckets_.size(); ++i) {
    cumulative += lateness_buckets_[i];
    c.lateness_buckets[i] = cumulative;
  }
  c.lateness_sum_seconds = lateness_sum_;
  return c;
}

}  // namespace warden::host
