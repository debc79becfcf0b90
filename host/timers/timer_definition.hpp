#pragma once

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
/// Years and months are calendar units: they are added to a date (31 January + P1M is the last
/// day of February); the rest are fixed lengths.
struct IsoDuration {
  std::int64_t years = 0, months = 0, weeks = 0, days = 0, hours = 0, minutes = 0;
  std::chrono::milliseconds seconds{0};  ///< the S part, with its fraction, in milliseconds

  /// Throws TimerDefinitionError for anything else: empty, `P`, `PT`, a negative or unknown part,
  /// a number too large, parts out of order, trailing text.
  static IsoDuration parse(std::string_view text);
  /// `from` plus `times` × this duration, counted from `from` each time (no drift: the k-th
  /// monthly date of 31 January is the k-th month's last day when it has no 31st).
  TimePoint after(TimePoint from, std::int64_t times = 1) const;
  bool calendar() const { return years != 0 || months != 0; }
};

/// An instant: `2019-10-01T12:00:00Z`, `2019-10-02T08:09:40+02:00`, or with a region
/// `2019-10-02T08:09:40+02:00[Europe/Berlin]` (the offset must be the region's at that moment;
/// zones come from the system's time-zone database). Fractional seconds are allowed.
TimePoint parse_time_date(std::string_view text);

/// A parsed timer definition of seed 001 (SPEC §7).
struct TimerDefinition {
  enum class Type { time_date, time_duration, time_cycle };
  Type type = Type::time_duration;
  std::optional<TimePoint> at;              ///< time_date; a time_cycle's start, when it names one
  IsoDuration duration;                     ///< time_duration, time_cycle
  std::optional<std::int64_t> repetitions;  ///< time_cycle: `R5/…`; nullopt for `R/…` (no limit)

  /// `type` is "time_date", "time_duration" or "time_cycle". Throws TimerDefinitionError.
  static TimerDefinition parse(std::string_view type, std::string_view text);

  /// When firing number `fired` (0 for the first) is due, for a timer armed at `armed`; nullopt
  /// when no more firings are due. time_date: once, at its instant. time_duration: once, at
  /// `armed` + duration. time_cycle without a start: `armed` + k × duration, k = 1, 2, …; with a
  /// start: start + k × duration, k = 0, 1, …; at most `repetitions` times.
  std::optional<TimePoint> due(TimePoint armed, std::int64_t fired) const;
};

}  // namespace warden::host
