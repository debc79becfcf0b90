#pragma once

#include <absl/time/time.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace warden::host {

using TimePoint = std::chrono::sys_time<std::chrono::milliseconds>;

/// A timer definition that cannot be used; the message says what and where
/// ("time_cycle \"R0/PT5S\": the repetition count must be at least 1").
class TimerDefinitionError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// An ISO 8601 duration, `P(n)Y(n)M(n)W(n)DT(n)H(n)M(n)S` (seconds may have a fraction).
/// Years, months, weeks and days are calendar steps, counted on the calendar of a time zone as
/// java.time's ZonedDateTime does: they move the local date (31 January + P1M is the last day of
/// February) and keep the local time of day (a time skipped by daylight saving moves later by the
/// gap; one that occurs twice keeps the offset it had). Hours, minutes and seconds are fixed
/// lengths added after.
struct IsoDuration {
  std::int64_t years = 0, months = 0, weeks = 0, days = 0, hours = 0, minutes = 0;
  std::chrono::milliseconds seconds{0};  ///< the S part, with its fraction, in milliseconds

  /// Throws TimerDefinitionError for anything else: empty, `P`, `PT`, a negative or unknown part,
  /// a number too large, parts out of order, trailing text.
  static IsoDuration parse(std::string_view text);
  /// `from` plus `times` × this duration, counted from `from` each time (no drift: the k-th
  /// monthly date of 31 January is the k-th month's last day when it has no 31st), calendar
  /// steps on `zone`'s calendar. Throws TimerDefinitionError when it is past 9999-12-31.
  TimePoint after(TimePoint from, std::int64_t times = 1,
                  const absl::TimeZone& zone = absl::UTCTimeZone()) const;
  bool calendar() const { return years != 0 || months != 0 || weeks != 0 || days != 0; }
  /// The hours, minutes and seconds, in milliseconds.
  std::int64_t fixed_ms() const;
};

/// A parsed timer definition of seed 001 (SPEC §7).
struct TimerDefinition {
  enum class Type { time_date, time_duration, time_cycle };
  Type type = Type::time_duration;
  std::optional<TimePoint> at;  ///< time_date; a time_cycle's start, when it names one
  /// The calendar a time_cycle's steps count on: its start's region, else the start's offset,
  /// else UTC (a cycle without a start counts from its arming, in UTC).
  absl::TimeZone zone = absl::UTCTimeZone();
  IsoDuration duration;                     ///< time_duration, time_cycle
  std::optional<std::int64_t> repetitions;  ///< time_cycle: `R5/…`; nullopt for `R/…` (no limit)

  /// `type` is "time_date", "time_duration" or "time_cycle". Date-times are read by
  /// parse_iso8601 (host/runtime/iso_time.hpp); a cycle is split at the `/`s outside the region's
  /// brackets (`R3/2027-07-01T12:00:00+02:00[Europe/Berlin]/PT1H`). Throws TimerDefinitionError.
  static TimerDefinition parse(std::string_view type, std::string_view text);

  /// When firing number `fired` (0 for the first) is due, for a timer armed at `armed`; nullopt
  /// when no more firings are due. time_date: once, at its instant. time_duration: once, at
  /// `armed` + duration. time_cycle without a start: `armed` + k × duration, k = 1, 2, …; with a
  /// start: start + k × duration, k = 0, 1, …; at most `repetitions` times. Throws
  /// TimerDefinitionError when that due time is past 9999-12-31.
  std::optional<TimePoint> due(TimePoint armed, std::int64_t fired) const;
  /// The first occurrence index at or after `from` that is not due by `now` (due later, or not
  /// at all), found by search: a few dozen due() calls however many occurrences lie between.
  std::int64_t first_not_due_by(TimePoint armed, std::int64_t from, TimePoint now) const;
  /// due(), with an occurrence past 9999-12-31 read as none.
  std::optional<TimePoint> due_or_none(TimePoint armed, std::int64_t fired) const;
  /// The shortest time between two firings of a time_cycle: its fixed part, or a day for one
  /// with calendar steps.
  std::int64_t period_ms() const;

  std::string text;  ///< as given
};

}  // namespace warden::host
