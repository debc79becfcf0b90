#include "host/timers/timer_plan.hpp"

#include <algorithm>
#include <deque>
#include <string>

namespace warden::host {
namespace {

std::optional<std::int64_t> due_ms_or_none(const std::optional<TimePoint>& due) {
  if (!due) return std::nullopt;
  return due->time_since_epoch().count();
}

}  // namespace

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

std::vector<std::int64_t> TimerPlan::upcoming(std::int64_t now_ms, int count) const {
  using std::chrono::milliseconds;
  std::vector<std::int64_t> out;
  std::int64_t index = 0;
  if (const auto* def = std::get_if<TimerDefinition>(&plan_))
    index =
        def->first_not_due_by(TimePoint(milliseconds(now_ms)), 0, TimePoint(milliseconds(now_ms)));
  for (; static_cast<int>(out.size()) < count; ++index) {
    const auto due = due_ms(now_ms, index, out.empty() ? now_ms : out.back());
    if (!due) break;
    if (*due > now_ms)
      out.push_back(*due);
    else if (index > count)
      break;  // a time_date in the past: nothing to come
  }
  return out;
}

TimerPlan::CatchUp TimerPlan::catch_up(std::int64_t armed_ms, std::int64_t index,
                                       std::int64_t due_ms, std::int64_t now_ms,
                                       std::int64_t keep) const {
  using std::chrono::milliseconds;
  CatchUp out;
  if (const auto* cron = std::get_if<CronSchedule>(&plan_)) {
    std::deque<std::int64_t> latest;  // the last `keep` missed due times
    std::optional<std::int64_t> next = due_ms;
    while (next && *next <= now_ms && out.missed < kMaxCronWalk) {
      ++out.missed;
      latest.push_back(*next);
      if (static_cast<std::int64_t>(latest.size()) > keep) latest.pop_front();
      next = due_ms_or_none(cron->next_after(TimePoint(milliseconds(*next))));
    }
    if (next && *next <= now_ms)
      next = due_ms_or_none(cron->next_after(TimePoint(milliseconds(now_ms))));
    out.kept = static_cast<std::int64_t>(latest.size());
    out.first_kept_ms = latest.empty() ? 0 : latest.front();
    out.next = next;
    return out;
  }
  const auto& def = std::get<TimerDefinition>(plan_);
  const TimePoint armed{milliseconds(armed_ms)};
  const auto boundary = def.first_not_due_by(armed, index, TimePoint(milliseconds(now_ms)));
  out.missed = boundary - index;
  out.kept = std::min(out.missed, keep);
  if (out.kept > 0)
    out.first_kept_ms = def.due(armed, boundary - out.kept)->time_since_epoch().count();
  if (auto next = def.due_or_none(armed, boundary)) out.next = next->time_since_epoch().count();
  return out;
}

std::optional<std::int64_t> TimerPlan::period_ms() const {
  if (std::holds_alternative<CronSchedule>(plan_)) return 60'000;
  const auto& def = std::get<TimerDefinition>(plan_);
  if (def.type != TimerDefinition::Type::time_cycle) return std::nullopt;
  return def.period_ms();
}

}  // namespace warden::host
