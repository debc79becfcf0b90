#pragma once

#include "host/timers/cron_schedule.hpp"
#include "host/timers/timer_definition.hpp"
#include "host/timers/timer_record.hpp"

#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>

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

 private:
  explicit TimerPlan(std::variant<TimerDefinition, CronSchedule> plan) : plan_(std::move(plan)) {}
  std::variant<TimerDefinition, CronSchedule> plan_;
};

}  // namespace warden::host
