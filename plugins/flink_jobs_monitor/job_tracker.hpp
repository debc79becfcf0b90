#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace warden::plugins::flink {

/// One job as `/jobs/overview` lists it, plus the figures fetched for it this poll.
struct JobObservation {
  std::string id;
  std::string name;
  std::string state;  ///< Flink's JobStatus: RUNNING, FAILED, CANCELED, RESTARTING, …
  std::int64_t start_ms = -1;
  std::int64_t end_ms = -1;
  std::int64_t duration_ms = 0;
  std::optional<std::int64_t> restarts;            ///< numRestarts, when fetched
  std::optional<std::int64_t> checkpoints_failed;  ///< checkpoints' counts.failed, when fetched
  std::string last_checkpoint_failure;             ///< latest.failed.failure_message
};

/// A job's figures as the last poll recorded them (none: not recorded yet).
struct KnownFigures {
  std::optional<std::int64_t> restarts;
  std::optional<std::int64_t> checkpoints_failed;
};

/// What the tracker compares against: the parts of the monitor's settings that decide alerts.
struct TrackerRules {
  std::int64_t lost_after_ms = 30'000;
  std::optional<std::int64_t> restart_budget;  ///< none: restarts are not watched
  std::int64_t cp_failure_rate_interval_ms = 600'000;
  std::optional<std::int64_t> cp_max_failures;  ///< none: checkpoints are not watched
};

enum class EventKind {
  job_failed,
  job_canceled,
  job_vanished,  ///< a job last seen running is gone from an answering cluster
  restarts_exceeded,
  checkpoints_failing,
  checkpoints_recovered,
  cluster_lost,
  cluster_recovered,
};

/// A transition worth an alert. `job` is empty for cluster events.
struct Event {
  Event(EventKind k, JobObservation j = {}, std::string previous = {})
      : kind(k), job(std::move(j)), previous_state(std::move(previous)) {}

  EventKind kind;
  JobObservation job;
  std::string previous_state;  ///< the job's state before (or the cluster's)
  std::int64_t since_ms = 0;   ///< cluster: when it stopped answering
  std::int64_t count = 0;      ///< restarts, or checkpoint failures within the interval
  std::string error;           ///< cluster: why the last poll got no answer
};

/// The monitor's memory between polls, kept in the timer's `state()` (so it survives restarts):
///   {"cluster": {"lost": bool, "down_since": ms, "error": "…"},
///    "jobs": {"<jid>": {"s": state, "n": name, "r": restarts, "ra": restarts alerted,
///                       "cf": checkpoints failed, "cw": [[ms, n], …], "cx": true if failing}}}
/// No "jobs" yet means no answer was ever seen: the first answer is the baseline and alerts on
/// nothing that was already so.
class JobTracker {
 public:
  JobTracker(Poco::JSON::Object& state, TrackerRules rules);

  /// The cluster answered with `jobs` (every job of the overview; `watched` says which pass the
  /// name filter). Returns the transitions, oldest concern first; the state is updated.
  std::vector<Event> answered(const std::vector<JobObservation>& jobs,
                              const std::vector<bool>& watched, std::int64_t now_ms);
  /// The cluster did not answer (`error` says how).
  std::vector<Event> unanswered(const std::string& error, std::int64_t now_ms);

  /// Puts back what `event` changed, so the next poll sees the transition again (its alert was
  /// refused by the host).
  void undo(const Event& event);

  /// The job's last-known state, or "" when it is not known.
  std::string known_state(const std::string& job_id) const;
  /// The job's figures as recorded by the last poll that read them.
  KnownFigures known_figures(const std::string& job_id) const;

 private:
  Poco::JSON::Object::Ptr jobs();
  Poco::JSON::Object::Ptr cluster();
  void track_restarts(const JobObservation& job, Poco::JSON::Object& entry,
                      std::vector<Event>& events) const;
  void track_checkpoints(const JobObservation& job, Poco::JSON::Object& entry, std::int64_t now_ms,
                         std::vector<Event>& events) const;

  Poco::JSON::Object& state_;
  TrackerRules rules_;
};

bool is_terminal(const std::string& job_state);

}  // namespace warden::plugins::flink
