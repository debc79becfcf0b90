#pragma once

#include "host/plugins/plugin_registry.hpp"
#include "host/runtime/group_commit.hpp"
#include "host/runtime/request_error.hpp"
#include "host/runtime/timer_queue.hpp"
#include "host/runtime/work_queue.hpp"
#include "host/services/host_services_impl.hpp"
#include "host/tasks/task_listener.hpp"
#include "host/tasks/task_record.hpp"
#include "host/timers/timer_action_runner.hpp"
#include "host/timers/timer_record.hpp"
#include "host/timers/timer_store.hpp"

#include <Poco/JSON/Object.h>

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace warden::host {

class TaskManager;

struct TimerServiceOptions {
  int workers = 4;  ///< threads that run timer actions
  /// How long a timer that will not fire again (done, ended, cancelled, or never armed) is kept.
  std::int64_t max_age_ms = 15LL * 24 * 3600 * 1000;
  std::int64_t cleanup_every_ms = 3600 * 1000;
  /// The shortest period a time_cycle may have (a cron's is a minute).
  std::int64_t min_period_ms = 1000;
  /// What the timers are due by and their records are dated with; outlives the service.
  const Clock* clock = &system_clock();
};

/// A timer as asked for over the API: an event on a task (`owner` is its node id, the task id) or
/// a schedule (`owner` is its name). Checked by the service.
struct TimerSpec {
  std::string owner;
  bool enable = true;
  std::string action;
  std::string timer_type;
  std::string defined;
  std::string time_zone;           ///< cron only
  std::string misfire;             ///< "" is fire_once
  Poco::JSON::Object::Ptr params;  ///< null is {}
};

/// A timer and whether a firing of it is running now.
struct TimerView {
  TimerRecord record;
  bool running = false;
};

/// Timer boundary events on tasks (seed 001) and standalone schedules, on one clock.
///
/// Every timer lives in memory and is written behind to the store (group commit); a change the
/// API reports is committed before it answers. Nothing scans: each armed timer is one entry in a
/// TimerQueue that sleeps until the earliest due time, so a timer never fires early and is late
/// only by the wake-up and hand-over to an action thread. An event is armed when its task's run
/// starts (measured from that moment) and ends with that run; a firing whose task run has ended
/// does nothing. A firing of a timer whose previous firing is still running is skipped and
/// counted. At start-up, timers that fell due while the host was down follow their misfire policy;
/// so does a timer armed with a start in the past (counted by search, never a burst).
class TimerService final : public TaskListener {
 public:
  static constexpr const char* kForcedFail = "forced_fail";
  static constexpr const char* kForcedFailAndSkip = "forced_fail_and_skip";

  TimerService(TimerStore& store, PluginRegistry& registry, SharedServices services,
               TimerServiceOptions options);
  /// The same with its own store over `database` (what `warden serve` makes).
  TimerService(Database& database, PluginRegistry& registry, SharedServices services,
               TimerServiceOptions options)
      : TimerService(std::make_unique<SqlTimerStore>(database), registry, std::move(services),
                     options) {}
  ~TimerService() override;
  TimerService(const TimerService&) = delete;
  TimerService& operator=(const TimerService&) = delete;

  /// Reads the stored timers; from now on task runs starting and ending are followed. Call
  /// before the task manager starts, then start() once it has.
  void load(TaskManager& tasks);
  /// Arms every armed timer (those that fell due while the host was down follow their misfire
  /// policy) and starts firing. Returns how many were armed.
  std::size_t start();
  /// Takes over timers claimed from a host whose lease lapsed (TimerStore::claim): each is
  /// armed as at start-up, its misfire policy applied to what it missed. Returns how many armed.
  std::size_t adopt(std::vector<TimerRecord> records);
  TimerStore& store() { return store_; }
  /// Stops firing; firings that are running end first. Idempotent.
  void stop();

  /// Stores events (all or none: a RequestError lists every problem by "<node_id>[i].field"),
  /// arming those whose task is running now; returns them as stored.
  std::vector<TimerRecord> add_events(const std::vector<TimerSpec>& specs);
  /// The events of a task, oldest first (none for an unknown node).
  std::vector<TimerView> events(const std::string& node_id) const;
  /// Cancels an event: it stays listed as `cancelled` until it is cleaned up.
  TimerRecord cancel_event(const std::string& id);

  /// Creates or replaces a schedule and arms it from now; `.second` is true when it is new.
  std::pair<TimerRecord, bool> put_schedule(const TimerSpec& spec);
  std::vector<TimerView> schedules() const;
  std::optional<TimerView> schedule(const std::string& name) const;
  /// Deletes a schedule (a firing that is running ends on its own); returns it as it was.
  TimerRecord delete_schedule(const std::string& name);

  /// `params` with password fields masked, for a read endpoint.
  Poco::JSON::Object::Ptr masked_params(const TimerRecord& timer) const;

  /// For GET /metrics.
  struct Counts {
    std::size_t timers = 0, armed = 0, running = 0;
    std::uint64_t fired = 0, failed = 0, skipped = 0;
    std::size_t rearmed = 0;   ///< timers armed by the last start()
    double rearm_seconds = 0;  ///< how long load() and start() took to re-arm them
    /// Fire lateness (start of the action minus due time), cumulative per bucket of
    /// kLatenessBounds.
    std::array<std::uint64_t, 9> lateness_buckets{};
    double lateness_sum_seconds = 0;
  };
  static constexpr std::array<double, 8> kLatenessBounds{0.001, 0.0025, 0.005, 0.01,
                                                         0.025, 0.1,    1.0,   10.0};
  Counts counts() const;

  // TaskListener
  void task_started(const std::string& task_id, std::int64_t generation,
                    std::int64_t start_ms) override;
  void task_ended(const std::string& task_id, std::int64_t generation) override;

 private:
  TimerService(std::unique_ptr<TimerStore> store, PluginRegistry& registry, SharedServices services,
               TimerServiceOptions options)
      : TimerService(*store, registry, std::move(services), options) {
    owned_store_ = std::move(store);
  }

  struct Timer {
    TimerRecord record;
    bool running = false;
    std::int64_t caught_up_ms = 0;  ///< missed occurrences due by then replay one after another
  };
  /// What a firing needs once the lock is let go.
  struct Firing {
    std::uint64_t handle = 0;
    TimerRecord record;  // as it was when the firing started
    std::int64_t due_ms = 0;
    std::int64_t started_us = 0;
    std::int64_t action_started_us = 0;  ///< once its move-on is committed; 0: not run
  };

  std::int64_t now_ms() const { return options_.clock->now_ms(); }
  std::int64_t now_us() const { return options_.clock->now_us(); }
  using FieldError = std::function<void(const std::string& field, const std::string& what)>;
  TimerRecord check(const TimerSpec& spec, TimerKind kind, const std::string& place,
                    std::map<std::string, std::string>& errors) const;
  /// The action and its params checked; the params as stored ("{}" when there are none).
  std::string check_action(const TimerSpec& spec, TimerKind kind, const FieldError& error) const;
  /// `r.type` from `timer_type`, and `r.defined` checked as that type (period, 9999, past).
  void check_definition(TimerRecord& r, TimerKind kind, const std::string& timer_type,
                        const FieldError& error) const;
  void arm_locked(std::uint64_t handle, Timer& timer, std::int64_t armed_ms,
                  std::int64_t generation);
  /// Moves an armed timer to its next occurrence, or to `done` when there is none; when
  /// `catch_up`, an occurrence already due follows the misfire policy first.
  /// `then` runs once the move is committed.
  void advance_locked(std::uint64_t handle, Timer& timer, bool catch_up = false,
                      GroupCommit<TimerRecord>::Then then = {});
  void schedule_locked(std::uint64_t handle, const Timer& timer);
  /// Adds a stored timer to the maps; its handle, or 0 when it is refused (a bad or known id).
  std::uint64_t insert_locked(TimerRecord&& row);
  /// Arms a stored timer (its misfire policy applied first); false when it does not fire again.
  bool rearm_locked(std::uint64_t handle, Timer& timer, std::int64_t now);
  /// Runs again the firing a stopped host left under way (TimerRecord::firing_due_ms).
  void resume_firing_locked(std::uint64_t handle, Timer& timer);
  std::uint64_t next_event_locked();
  void apply_misfire_locked(Timer& timer, std::int64_t now, const char* when);
  /// Moves a due timer on; its action runs (run_firing) once that is committed.
  void fire(std::uint64_t handle);
  void run_firing(Firing firing, bool moved_on);
  ActionResult run_action(const Firing& firing);
  void note_lateness(double seconds);
  void record_outcome(std::uint64_t handle, const Firing& firing, const ActionResult& outcome);
  void persist_locked(Timer& timer, GroupCommit<TimerRecord>::Then then = {});
  void commit_and_wait(std::vector<TimerRecord> rows);
  void cleanup();
  void forget_locked(std::uint64_t handle);
  std::uint64_t handle_of_event(const std::string& id) const;

  std::unique_ptr<TimerStore> owned_store_;  ///< when made over a database
  TimerStore& store_;
  PluginRegistry& registry_;
  SharedServices services_;
  TimerServiceOptions options_;
  TaskManager* tasks_ = nullptr;

  mutable std::mutex mutex_;
  std::unordered_map<std::uint64_t, Timer> timers_;
  std::unordered_map<std::string, std::vector<std::uint64_t>> by_node_;
  std::unordered_map<std::string, std::uint64_t> schedule_handles_;
  std::uint64_t next_event_ = 0;  // the event numbers reserved (TimerStore::reserve_event_ids)
  std::uint64_t event_block_end_ = 0;
  std::uint64_t next_schedule_handle_ = std::uint64_t{1} << 62;
  bool started_ = false;
  bool stopping_ = false;
  std::size_t in_flight_ = 0;  ///< firings moved on whose outcome is not recorded yet
  std::condition_variable firings_ended_;
  std::int64_t load_started_us_ = 0;
  std::size_t rearmed_ = 0;
  double rearm_seconds_ = 0;

  std::atomic<std::uint64_t> fired_{0}, failed_{0}, skipped_{0};
  mutable std::mutex lateness_mutex_;
  std::array<std::uint64_t, 9> lateness_buckets_{};
  double lateness_sum_ = 0;

  // Declared last: destroyed (threads joined) first.
  std::unique_ptr<GroupCommit<TimerRecord>> journal_;
  std::unique_ptr<TimerQueue> queue_;
  std::unique_ptr<WorkQueue> workers_;
};

}  // namespace warden::host
