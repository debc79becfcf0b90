#pragma once

#include "host/alerts/channel_sender.hpp"
#include "host/alerts/notice.hpp"
#include "host/runtime/request_error.hpp"
#include "host/runtime/group_commit.hpp"
#include "host/runtime/work_queue.hpp"
#include "host/runtime/timer_queue.hpp"

#include <warden/alert.hpp>

#include <atomic>
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

class ChannelInstances;
class CircuitBreaker;
class NoticeStore;
struct ChannelInstance;

/// An alert or a replay the pipeline refuses; `kind` says how an API answers it.
using NoticeError = RequestError;

/// The notice pipeline (seed 002). Every delivery of an alert through a channel instance is a
/// notice, stored with its life cycle: created -> sending -> sent | failed, or blocked by a
/// circuit-breaking rule. Each channel instance has its own queue and threads (its `concurrency`),
/// so a slow or dead channel holds up only itself. Failed attempts are retried by a timer (never a
/// sleeping thread) with the instance's backoff, honouring Retry-After, until its attempts run out.
/// With a dedupe window, alerts with one dedupe key become one notice that says how many. Every
/// change goes through a group-commit journal; a notice is queued only once stored, and a start
/// picks up every notice that was created or sending. Ended notices are deleted `max_age_ms` after
/// their last change (checked at start, then hourly).
class NoticePipeline {
 public:
  struct Counts {
    std::uint64_t created = 0, sent = 0, failed = 0, blocked = 0, aggregated = 0, retries = 0;
    std::uint64_t commits = 0, rows = 0;
    std::uint64_t removed = 0;  ///< ended notices deleted for their age
    double write_seconds = 0;
    std::size_t queued = 0;   ///< deliveries waiting in channel queues
    std::size_t waiting = 0;  ///< retries and dedupe windows armed
  };

  NoticePipeline(NoticeStore& store, const ChannelInstances& channels,
                 const CircuitBreaker& breaker, ChannelSender sender,
                 std::int64_t max_age_ms = kDefaultMaxAgeMs);
  static constexpr std::int64_t kDefaultMaxAgeMs = 15LL * 24 * 3600 * 1000;
  ~NoticePipeline();
  NoticePipeline(const NoticePipeline&) = delete;
  NoticePipeline& operator=(const NoticePipeline&) = delete;

  /// Picks up the notices a previous run left created or sending, and starts deleting old ones.
  void start();
  /// Lets running deliveries end and be stored; queued notices stay stored for the next start.
  void stop();

  /// Makes one notice per target (empty: every enabled channel instance) and returns them once
  /// they are stored. A target whose dedupe window holds a notice for the same key returns that
  /// notice, its count raised. Throws NoticeError: an unknown or disabled target, no enabled
  /// channel, or the store failing.
  std::vector<Notice> raise(const Alert& alert, const std::vector<std::string>& targets,
                            const std::string& origin);
  /// The same without waiting (for plugins raising alerts): errors are logged.
  void raise_async(const Alert& alert, const std::vector<std::string>& targets,
                   const std::string& origin) noexcept;

  /// Queues a blocked or failed notice again (bypassing circuit breaking: an operator asked).
  Notice replay(const std::string& notice_id);

  /// Sends `alert` through `instance` now, outside the queues, and records it (origin "test").
  Notice send_now(const ChannelInstance& instance, const Alert& alert);

  /// `notice` as stored, with what only memory knows laid over it: the attempts a notice parked
  /// behind a down channel has been charged since it was stored (see Gate).
  void overlay_parked(Notice& notice) const;
  /// The stored notice with overlay_parked applied.
  std::optional<Notice> find(const std::string& notice_id) const;

  Counts counts() const;

 private:
  struct Waiter;
  using Journal = GroupCommit<Notice>;

  Notice make_notice(const ChannelInstance& instance, const std::shared_ptr<const Alert>& alert,
                     const std::string& alert_json, const std::string& origin,
                     std::int64_t now) const;
  /// Stores `rows` in one commit and waits for it; false when they could not be stored.
  bool store_and_wait(std::vector<Notice> rows);
  /// Stores `notice`; `then` runs after the commit.
  void store(Notice notice, Journal::Then then = {});
  /// Queues the delivery at `due_ms` (now when past).
  void schedule(Notice notice, std::int64_t due_ms);
  void enqueue(Notice notice);
  void deliver(Notice notice, bool probe = false);
  void finish_attempt(Notice notice, const ChannelInstance& instance, const SendOutcome& outcome);
  /// The dedupe window of `key` has closed: its notice goes out.
  void close_window(const std::string& key);
  /// Runs `job` on the instance's lane (made, or remade after its concurrency changed); dropped
  /// once stopping (the notice stays stored for the next start).
  void post_to_lane(const ChannelInstance& instance, WorkQueue::Job job);
  /// True when the instance is down and `notice` was parked (moved from: not tried) instead;
  /// sets `probe` when it goes through as the instance's probe.
  bool park_if_down(Notice& notice, bool& probe, Poco::Int64 max_attempts);
  /// Updates the instance's gate after an attempt.
  void after_attempt(const ChannelInstance& instance, const SendOutcome& outcome, bool probe);
  /// A down instance's probe is due: one parked notice is tried.
  void probe(const std::string& channel_name);
  void arm_probe(const ChannelInstance& instance, int probes_failed);
  /// Deletes one slice of the ended notices past max_age_ms, then arms the next slice (at once
  /// while there are more, so retries on the same timer thread go between slices, else in an hour).
  void remove_expired();
  static constexpr std::size_t kRemovedPerSlice = 1000;
  static constexpr std::int64_t kRemoveEveryMs = 3600LL * 1000;

  NoticeStore& store_;
  const ChannelInstances& channels_;
  const CircuitBreaker& breaker_;
  ChannelSender sender_;
  const std::int64_t max_age_ms_;

  struct Lane {
    int threads = 0;
    std::unique_ptr<WorkQueue> queue;
  };
  std::mutex lanes_mutex_;
  std::map<std::string, Lane> lanes_;
  /// Lanes replaced after their instance's concurrency changed: they finish what they hold, then
  /// idle until stop().
  std::vector<std::unique_ptr<WorkQueue>> retired_lanes_;
  bool stopping_ = false;

  /// A channel instance is down after kDownAfter transport failures in a row (refused, reset,
  /// timed out): notices are parked instead of tried, and one probe goes out at growing intervals
  /// (the instance's backoff). A failed probe costs every parked notice an attempt (so they still
  /// end `failed`); a delivered one (or any answer) releases them all. The attempts charged while
  /// parked are kept here, not stored: only a parked notice's end (or the row of its next real
  /// attempt) is written, and stop() stores them. After a crash a parked notice is charged its
  /// attempts again: still bounded, at the cost of a few more probes.
  /// What memory alone knows of a parked notice; the rest is stored, and read back when the
  /// notice goes out (so thousands waiting behind a dead channel hold no alert each).
  struct Parked {
    std::string status;
    Poco::Int64 attempts = 0;  ///< when parked; see charged()
    Poco::Int64 update_ms = 0;
    std::shared_ptr<const std::string> error;
    int charged_from = 0;  ///< the gate's probes_failed when parked
    int ends_at = 0;       ///< the probes_failed at which it is out of attempts
  };
  /// Failed probes charge parked notices lazily: a probe costs O(notices it ends), not O(parked).
  struct Gate {
    int transport_failures = 0;  ///< in a row
    bool down = false;
    bool let_next_through = false;  ///< a probe was due with nothing parked
    int probes_failed = 0;
    std::string last_error;
    Poco::Int64 charged_ms = 0;                       ///< when the last probe failed
    std::shared_ptr<const std::string> charge_error;  ///< what it charged parked notices with
    std::map<std::string, Parked> parked;             ///< by notice id: oldest first
    std::multimap<int, std::string> ends;  ///< ends_at -> notice id (stale ones are skipped)
  };
  /// `parked` with the failed probes since it was parked charged.
  static Parked charged(const Gate& gate, Parked parked);
  /// The stored notices behind `parked`, with what memory knows laid over them (the journal is
  /// flushed first, so a row handed in just before parking is read as written).
  std::vector<Notice> unpark(std::vector<std::pair<std::string, Parked>> parked);
  /// The row that records a parked notice's attempts (and its end, when `ended`).
  static Notice outcome_row(const std::string& notice_id, const Parked& parked, bool ended);
  static constexpr int kDownAfter = 3;
  /// Notices ended by one failed probe go to the store in slices of this many rows.
  static constexpr std::size_t kEndedPerCommit = 64;
  mutable std::mutex gates_mutex_;
  std::unordered_map<std::string, Gate> gates_;

  std::mutex windows_mutex_;
  std::unordered_map<std::string, Notice> windows_;  ///< channel + dedupe key -> open notice

  std::atomic<std::uint64_t> created_{0}, sent_{0}, failed_{0}, blocked_{0}, aggregated_{0},
      retries_{0}, removed_{0};
  std::atomic<std::int64_t> queued_{0}, waiting_{0};

  TimerQueue timers_;
  std::unique_ptr<Journal> journal_;  // last: its thread may call back into the members above
};

}  // namespace warden::host
