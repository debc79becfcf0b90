#pragma once

#include "host/alerts/channel_gate.hpp"
#include "host/alerts/channel_instances.hpp"
#include "host/alerts/channel_lanes.hpp"
#include "host/alerts/channel_sender.hpp"
#include "host/alerts/dedupe_windows.hpp"
#include "host/alerts/notice.hpp"
#include "host/runtime/clock.hpp"
#include "host/runtime/group_commit.hpp"
#include "host/runtime/request_error.hpp"
#include "host/runtime/timer_queue.hpp"
#include "host/runtime/work_queue.hpp"

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

class CircuitBreaker;
class NoticeStore;
struct ChannelInstance;

/// The notice pipeline (seed 002). Every delivery of an alert through a channel instance is a
/// notice, stored with its life cycle: created -> sending -> sent | failed, or blocked by a
/// circuit-breaking rule. Each channel instance has its own queue and threads (its `concurrency`),
/// so a slow or dead channel holds up only itself. Failed attempts are retried by a timer (never a
/// sleeping thread) with the instance's backoff, honouring Retry-After, until its attempts run out.
/// With a dedupe window, alerts with one dedupe key become one notice that says how many. Every
/// change goes through a group-commit journal; a notice is queued only once stored, and a start
/// picks up every notice that was created or sending. Ended notices are deleted `max_age_ms` after
/// their last change (checked at start, then hourly).
///
/// The pipeline does the I/O and the timing; its parts decide, each readable and testable alone:
/// ChannelGates (which deliveries a down channel lets through), DedupeWindows (which alerts become
/// one notice) and ChannelLanes (the queues and threads per channel instance).
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

  /// `clock` (outliving the pipeline) times retries, windows, probes and the notices' times.
  NoticePipeline(NoticeStore& store, const ChannelInstances& channels,
                 const CircuitBreaker& breaker, ChannelSender sender,
                 std::int64_t max_age_ms = kDefaultMaxAgeMs, const Clock& clock = system_clock());
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
  /// notice, its count raised. Throws RequestError: an unknown or disabled target, no enabled
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
  /// behind a down channel has been charged since it was stored (see ChannelGates).
  void overlay_parked(Notice& notice) const;
  /// The stored notice with overlay_parked applied.
  std::optional<Notice> find(const std::string& notice_id) const;

  Counts counts() const;

 private:
  struct Waiter;
  using Journal = GroupCommit<Notice>;

  std::vector<ChannelInstances::Snapshot> targets_of(const std::vector<std::string>& targets) const;
  Notice make_notice(const ChannelInstance& instance, const std::shared_ptr<const Alert>& alert,
                     const std::string& alert_json, const std::string& origin,
                     std::int64_t now) const;
  /// Blocks `notice` by a circuit-breaking rule, or counts it into its instance's dedupe window;
  /// true when it joined an open window (`notice` is then that window's notice).
  bool admit(Notice& notice, const Alert& alert, const ChannelInstance& instance, std::int64_t now);
  /// Stored: sends or arms what raise() made.
  void release(const std::vector<Notice>& answer);
  /// Stores `rows` in one commit and waits for it; false when they could not be stored.
  bool store_and_wait(std::vector<Notice> rows);
  /// Stores `notice`; `then` runs after the commit.
  void store(Notice notice, Journal::Then then = {});
  /// Stores `notice` ended failed at `now`, saying why.
  void fail(Notice notice, std::string error, std::int64_t now);
  /// Queues the delivery at `due_ms` (now when past).
  void schedule(Notice notice, std::int64_t due_ms);
  void enqueue(Notice notice);
  void deliver(Notice notice, bool probe = false);
  void finish_attempt(Notice notice, const ChannelInstance& instance, const SendOutcome& outcome);
  void arm_window(const Notice& notice);
  /// The dedupe window of `notice` has closed: its notice goes out.
  void close_window(const std::string& channel_name, const std::string& dedupe_key);
  /// Runs `job` on the instance's lane; dropped once stopping (the notice stays stored for the
  /// next start).
  void post_to_lane(const ChannelInstance& instance, WorkQueue::Job job);
  /// Updates the instance's gate after an attempt, and does what it decides.
  void after_attempt(const ChannelInstance& instance, const SendOutcome& outcome, bool probe);
  /// Stores the notices a failed probe ran out of attempts.
  void end_parked(const ParkedNotices& ended);
  /// A down instance's probe is due: one parked notice is tried.
  void probe(const std::string& channel_name);
  void arm_probe(const ChannelInstance& instance, int probes_failed);
  /// The stored notices behind `parked`, with what memory knows laid over them (the journal is
  /// flushed first, so a row handed in just before parking is read as written).
  std::vector<Notice> unpark(const ParkedNotices& parked);
  /// Deletes one slice of the ended notices past max_age_ms, then arms the next slice (at once
  /// while there are more, so retries on the same timer thread go between slices, else in an hour).
  void remove_expired();
  static constexpr std::size_t kRemovedPerSlice = 1000;
  static constexpr std::int64_t kRemoveEveryMs = 3600LL * 1000;
  /// Notices ended by one failed probe go to the store in slices of this many rows.
  static constexpr std::size_t kEndedPerCommit = 64;

  NoticeStore& store_;
  const ChannelInstances& channels_;
  const CircuitBreaker& breaker_;
  ChannelSender sender_;
  const std::int64_t max_age_ms_;
  const Clock& clock_;

  ChannelLanes lanes_;
  /// Down channel instances: their notices are parked behind one probe. The attempts charged
  /// while parked are kept there, not stored: only a parked notice's end (or the row of its next
  /// real attempt) is written, and stop() stores them. After a crash a parked notice is charged
  /// its attempts again: still bounded, at the cost of a few more probes.
  ChannelGates gates_;
  DedupeWindows windows_;

  std::atomic<std::uint64_t> created_{0}, sent_{0}, failed_{0}, blocked_{0}, aggregated_{0},
      retries_{0}, removed_{0};
  std::atomic<std::int64_t> queued_{0}, waiting_{0};

  TimerQueue timers_;
  std::unique_ptr<Journal> journal_;  // last: its thread may call back into the members above
};

}  // namespace warden::host
