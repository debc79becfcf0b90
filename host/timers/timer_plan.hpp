#pragma once

#include "host/timers/cron_schedule.hpp"
#include "host/timers/timer_definition.hpp"
#include "host/timers/timer_record.hpp"

#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>
#include <vector>

namespace warden::host {

/// When a timer fires: its `defined` read by type (ISO 8601 or cron).
class TimerPlan {
 public:
  /// Throws TimerDefinitionError naming what is wrong. `time_zone` is for cron only ("" is UTC).
  static TimerPlan parse(TimerType type, std::string_view defined, std::string_view time_zone);
  static TimerPlan of(const TimerRecord& timer) {
    return parse(timer.type, timer.defined, timer.time_zone);
  }

  /// When occurrence `index` (0 for the first) is due, for a timer armed at `armed_ms` whose
  /// previous occurrence was due at `previous_due_ms`; nullopt when there are no more.
  std::optional<std::int64_t> due_ms(std::int64_t armed_ms, std::int64_t index,
                                     std::int64_t previous_due_ms) const;

  /// The occurrences from `index` (due at `due_ms`) that are due by `now_ms`.
  struct CatchUp {
    std::int64_t missed = 0;           ///< how many
    std::int64_t kept = 0;             ///< the latest min(missed, keep) of them
    std::int64_t first_kept_ms = 0;    ///< the due time of the first kept one
    std::optional<std::int64_t> next;  ///< the first occurrence after `now_ms`, if any
  };
  /// For a time_cycle, time_date or time_duration by arithmetic and search (a few dozen due-time
  /// computations however many occurrences were missed); for cron by walking the missed minutes,
  /// at most kMaxCronWalk of them (a minutely cron down for 19 years; beyond that the
  /// rest are passed over uncounted).
  CatchUp catch_up(std::int64_t armed_ms, std::int64_t index, std::int64_t due_ms,
                   std::int64_t now_ms, std::int64_t keep) const;
  static constexpr std::int64_t kMaxCronWalk = 10'000'000;

  /// The next `count` due times of a timer armed at `now_ms`, after `now_ms` (a cycle whose start
  /// lies in the past goes on from its first occurrence to come); fewer when it ends sooner, none
  /// for a time_date in the past.
  std::vector<std::int64_t> upcoming(std::int64_t now_ms, int count) const;

  /// The shortest time between two firings: a cycle's period (a day for calendar steps), a
  /// minute for cron; nullopt for a timer that fires once.
  std::optional<std::int64_t> period_ms() const;

 private:
  explicit TimerPlan(std::variant<TimerDefinition, CronSchedule> plan) : plan_(std::move(plan)) {}
  std::variant<TimerDefinition, CronSchedule> plan_;
};

}  // namespace warden::host
