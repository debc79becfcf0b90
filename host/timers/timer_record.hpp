#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace warden::host {

/// A timer boundary event on a task (seed 001) or a standalone schedule.
enum class TimerKind { event, schedule };
/// How `defined` reads: ISO 8601 (SPEC §7) or a five-field cron line (schedules only).
enum class TimerType { time_date, time_duration, time_cycle, cron };
/// `pending`: an event waiting for its task to run; `armed`: due at `due_ms`; `done`: every
/// firing is spent; `ended`: its task's run ended first; `cancelled`: deleted over the API;
/// `disabled`: stored with `enable: false`, never armed.
enum class TimerState { pending, armed, done, ended, cancelled, disabled };
/// What a timer that fell due while the host was down does at start-up.
enum class Misfire { fire_once, skip, replay_all };
/// The last firing: the action succeeded, failed (false or an exception), or was skipped (a
/// schedule still running its previous firing, or a misfire policy).
enum class FireOutcome { none, ok, failed, skipped };

std::string_view to_string(TimerKind v);
std::string_view to_string(TimerType v);
std::string_view to_string(TimerState v);
std::string_view to_string(Misfire v);
std::string_view to_string(FireOutcome v);
std::optional<TimerType> parse_timer_type(std::string_view text);
std::optional<Misfire> parse_misfire(std::string_view text);
TimerState parse_timer_state(std::string_view text);
FireOutcome parse_fire_outcome(std::string_view text);

/// One timer as it is stored. Times are milliseconds since the Unix epoch; 0 means "not yet".
struct TimerRecord {
  TimerKind kind = TimerKind::event;
  std::string id;       ///< `te_<n>` for an event; the name of a schedule
  std::string node_id;  ///< the task an event belongs to; empty for a schedule
  bool enable = true;
  std::string action;  ///< forced_fail, forced_fail_and_skip, or a timer_action plugin's key
  TimerType type = TimerType::time_duration;
  std::string defined;
  std::string time_zone;            ///< cron only
  std::string params = "{}";        ///< the action's validated params (JSON object)
  std::string action_state = "{}";  ///< the action's state() between firings (JSON object)
  Misfire misfire = Misfire::fire_once;
  TimerState state = TimerState::pending;
  std::int64_t created_ms = 0;
  std::int64_t updated_ms = 0;  ///< the last change; the age cleanup counts from it
  std::int64_t armed_ms = 0;    ///< when the current run of the timer was armed
  std::int64_t due_ms = 0;      ///< the next firing, while armed
  std::int64_t generation = 0;  ///< the task's run the event is armed for
  std::int64_t fired = 0;       ///< firings whose action ran (succeeded or not)
  std::int64_t failures = 0;    ///< of those, how many failed
  std::int64_t skipped = 0;     ///< occurrences not run: overlaps and misfires
  std::int64_t last_fired_ms = 0;
  std::int64_t last_lateness_us = 0;  ///< the last firing's start minus its due time
  FireOutcome last_outcome = FireOutcome::none;
  std::string last_error;
  /// The occurrence whose action was started and has not ended (its move-on committed, its
  /// outcome not yet): its due time, or 0. A host that takes the timer up with one set runs that
  /// action again: at least once.
  std::int64_t firing_due_ms = 0;
  /// How many times a host stopped while that action ran: at two it is not run again (an action
  /// that takes its host down would otherwise do so at every start).
  int firing_interrupted = 0;
  bool removed = false;  ///< written as a deletion of the row (age cleanup)

  /// Occurrences used up so far: the index of the next one.
  std::int64_t occurrences() const { return fired + skipped; }
  /// The key of the row: kind and id.
  std::string key() const { return std::string(to_string(kind)) + ":" + id; }
};

}  // namespace warden::host
