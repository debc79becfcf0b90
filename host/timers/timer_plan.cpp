#include "host/timers/timer_plan.hpp"

#include <string>

namespace warden::host {

TimerPlan TimerPlan::parse(TimerType type, std::string_view defined, std::string_view time_zone) {
  if (type == TimerType::cron)
    return TimerPlan(CronSchedule::parse(defined, time_zone.empty() ? "UTC" : time_zone));
  if (!time_zone.empty())
    throw TimerDefinitionError("time_zone applies to cron timers only; a " +
                               std::string(to_string(type)) +
                               " carries its offset or region in `defined`");
  return TimerPlan(TimerDefinition::parse(to_string(type), defined));
}

std::optional<std::int64_t> TimerPlan::due_ms(std::int64_t armed_ms, std::int64_t index,
                                              std::int64_t previous_due_ms) const {
  using std::chrono::milliseconds;
  std::optional<TimePoint> due;
  if (const auto* cron = std::get_if<CronSchedule>(&plan_)) {
    due = cron->next_after(TimePoint(milliseconds(index == 0 ? armed_ms : previous_due_ms)));
  } else {
    due = std::get<TimerDefinition>(plan_).due(TimePoint(milliseconds(armed_ms)), index);
  }
  if (!due) return std::nullopt;
  return due->time_since_epoch().count();
}

}  // namespace warden::host
