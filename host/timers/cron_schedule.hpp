#pragma once

#include "host/timers/timer_definition.hpp"

#include <absl/time/civil_time.h>
#include <absl/time/time.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace warden::host {

/// A five-field cron expression (minute hour day-of-month month day-of-week) in a time zone, as
/// Vixie cron reads it:
///
/// - each field is a list `a,b-c,…` of `*`, a number, a range `a-b`, or a stepped `*/n`, `a-b/n`
///   or `a/n` (from a to the field's maximum); minute 0-59, hour 0-23, day-of-month 1-31,
///   month 1-12 or JAN-DEC, day-of-week 0-7 or SUN-SAT (0 and 7 are Sunday; a range may end in
///   SUN, meaning 7: `FRI-SUN`). Names are case-insensitive.
/// - when day-of-month and day-of-week are both restricted, a day matches if either does;
///   when either field starts with `*` (`*` or `*/n`, as in Vixie cron) both must match.
/// - `@hourly`, `@daily`, `@midnight`, `@weekly`, `@monthly`, `@yearly`, `@annually`.
///
/// Times are local to the IANA time zone. A local time skipped by a daylight-saving change fires
/// once, at the first instant after the gap; a local time that occurs twice fires once, at its
/// first occurrence.
class CronSchedule {
 public:
  /// Throws TimerDefinitionError naming the field and the bad text, e.g.
  /// `cron "61 * * * *": minute 61 is out of range 0-59`, `unknown time zone "Mars/Base"`, or
  /// `cron "0 0 30 2 *": can never fire (no month in it has day 30)`.
  static CronSchedule parse(std::string_view expression, std::string_view time_zone = "UTC");

  /// The first firing strictly after `after`; nullopt when there is none within a century.
  /// Skips whole months, days and hours that do not match.
  std::optional<TimePoint> next_after(TimePoint after) const;

  /// The expression and the zone as given to parse().
  const std::string& expression() const { return expression_; }
  const std::string& time_zone() const { return time_zone_; }

 private:
  CronSchedule() = default;
  std::optional<absl::CivilMinute> matching(absl::CivilMinute from) const;

  std::string expression_, time_zone_;
  absl::TimeZone zone_;
  std::uint64_t minutes_ = 0;  ///< bit n: minute n
  std::uint32_t hours_ = 0;    ///< bit n: hour n
  std::uint32_t days_ = 0;     ///< bit n: day-of-month n (1-31)
  std::uint16_t months_ = 0;   ///< bit n: month n (1-12)
  std::uint8_t weekdays_ = 0;  ///< bit n: weekday n (0 = Sunday … 6; 7 is folded into 0)
  bool days_star_ = false, weekdays_star_ = false;  ///< the field starts with `*`
};

}  // namespace warden::host
