#include "host/timers/timer_definition.hpp"

#include "host/runtime/iso_time.hpp"

#include <absl/time/civil_time.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <vector>

namespace warden::host {
namespace {

using std::chrono::milliseconds;

// The largest value each part may have: about 10,000 years, so that no sum can overflow.
constexpr std::array<std::int64_t, 7> kMax = {10'000,     120'000,       521'800,        3'652'500,
                                              87'660'000, 5'259'600'000, 315'576'000'000};
constexpr std::string_view kDateUnits = "YMWD";
constexpr std::string_view kTimeUnits = "HMS";

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Beyond these, any due time is past 9999-12-31 whatever the start (from 0001-01-01).
constexpr std::int64_t kMaxMonths = 12 * 10'000;
constexpr std::int64_t kMaxDays = 3'660'000;
constexpr std::int64_t kMaxFixedMs = 316'000'000'000'000;

TimerDefinitionError past_9999() {
  return TimerDefinitionError("the due time is past 9999-12-31");
}

std::int64_t times_or_past_9999(std::int64_t step, std::int64_t times, std::int64_t max) {
  std::int64_t out = 0;
  if (__builtin_mul_overflow(step, times, &out) || out > max) throw past_9999();
  return out;
}

/// `local` on `zone`'s calendar as an instant: a skipped local time moves later by the gap
/// (Abseil's `pre`), a repeated one keeps `offset` when it can.
absl::Time resolve(const absl::CivilSecond& local, const absl::TimeZone& zone, int offset) {
  const auto info = zone.At(local);
  if (info.kind == absl::TimeZone::TimeInfo::REPEATED && zone.At(info.post).offset == offset)
    return info.post;
  return info.pre;
}

/// `from` moved by `months` and then `days` on `zone`'s calendar, keeping its time of day.
TimePoint calendar_steps(TimePoint from, std::int64_t months, std::int64_t days,
                         const absl::TimeZone& zone) {
  const auto ms = from.time_since_epoch().count();
  const auto whole = absl::FromUnixMillis(ms - (((ms % 1000) + 1000) % 1000));
  const auto fraction = std::chrono::milliseconds(((ms % 1000) + 1000) % 1000);
  const auto info = zone.At(whole);
  auto local = info.cs;
  if (months != 0) {
    const auto month = absl::CivilMonth(local) + months;
    const auto last_day = (absl::CivilDay(month + 1) - 1).day();
    local = absl::CivilSecond(month.year(), month.month(), std::min(local.day(), last_day),
                              local.hour(), local.minute(), local.second());
  }
  if (days != 0) {
    const auto day = absl::CivilDay(local) + days;
    local = absl::CivilSecond(day.year(), day.month(), day.day(), local.hour(), local.minute(),
                              local.second());
  }
  if (local.year() > 10'000) throw past_9999();
  return TimePoint(
             std::chrono::milliseconds(absl::ToUnixMillis(resolve(local, zone, info.offset)))) +
         fraction;
}

/// The parts of a cycle: split at each '/' outside the brackets of a region.
std::vector<std::string_view> cycle_parts(std::string_view text) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  int depth = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '[') ++depth;
    if (text[i] == ']' && depth > 0) --depth;
    if (text[i] == '/' && depth == 0) {
      parts.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  parts.push_back(text.substr(start));
  return parts;
}

IsoDateTime read_date_time(std::string_view text) {
  try {
    return parse_iso8601(text);
  } catch (const IsoTimeError& e) {
    throw TimerDefinitionError(e.what());
  }
}

}  // namespace

IsoDuration IsoDuration::parse(std::string_view text) {
  auto fail = [&](const std::string& what) -> TimerDefinitionError {
    return TimerDefinitionError("duration \"" + std::string(text) + "\": " + what);
  };
  if (text.empty()) throw fail("is empty; expected e.g. PT15S, PT1H30M or P14D");
  if (text.front() == '-') throw fail("must not be negative");
  if (text.front() != 'P') throw fail("must start with P, e.g. PT15S");
  IsoDuration d;
  bool in_time = false, any = false;
  int last = -1;  // index of the last unit read, in YMWD then HMS order
  std::size_t pos = 1;
  while (pos < text.size()) {
    if (text[pos] == 'T') {
      if (in_time) throw fail("T appears twice");
      in_time = true;
      ++pos;
      if (pos == text.size()) throw fail("T must be followed by hours, minutes or seconds");
      continue;
    }
    if (text[pos] == '-') throw fail("must not be negative");
    const std::size_t start = pos;
    while (pos < text.size() && is_digit(text[pos])) ++pos;
    if (pos == start)
      throw fail("expected a number at position " + std::to_string(start + 1) + ", found '" +
                 std::string(1, text[pos]) + "'");
    std::int64_t whole = 0;
    auto [ptr, ec] = std::from_chars(text.data() + start, text.data() + pos, whole);
    if (ec != std::errc())
      throw fail("the number " + std::string(text.substr(start, pos - start)) + " is too large");
    std::int64_t fraction_ms = 0;
    bool fraction = false;
    if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
      fraction = true;
      const std::size_t digits = ++pos;
      int scale = 100;
      while (pos < text.size() && is_digit(text[pos])) {
        fraction_ms += (text[pos] - '0') * scale;
        scale /= 10;
        ++pos;
      }
      if (pos == digits) throw fail("a fraction needs digits after its point");
    }
    if (pos == text.size())
      throw fail("the number " + std::string(text.substr(start, pos - start)) + " has no unit");
    const char unit = text[pos++];
    const auto units = in_time ? kTimeUnits : kDateUnits;
    const auto found = units.find(unit);
    if (found == std::string_view::npos)
      throw fail(std::string("unknown unit '") + unit + "'" +
                 (in_time ? " after T (expected H, M or S)" : " (expected Y, M, W or D, then T)"));
    const int index = static_cast<int>(found) + (in_time ? 4 : 0);
    if (index <= last) throw fail(std::string("'") + unit + "' is out of order or repeated");
    last = index;
    if (fraction && unit != 'S') throw fail("only seconds may have a fraction");
    if (whole > kMax[index])
      throw fail("the number " + std::to_string(whole) + " is too large (at most " +
                 std::to_string(kMax[index]) + std::string(1, unit) + ")");
    switch (index) {
      case 0:
        d.years = whole;
        break;
      case 1:
        d.months = whole;
        break;
      case 2:
        d.weeks = whole;
        break;
      case 3:
        d.days = whole;
        break;
      case 4:
        d.hours = whole;
        break;
      case 5:
        d.minutes = whole;
        break;
      default:
        d.seconds = milliseconds(whole * 1000 + fraction_ms);
    }
    any = true;
  }
  if (!any) throw fail("has no parts; expected e.g. PT15S, PT1H30M or P14D");
  return d;
}

std::int64_t IsoDuration::fixed_ms() const {
  return hours * 3'600'000 + minutes * 60'000 + seconds.count();
}

TimePoint IsoDuration::after(TimePoint from, std::int64_t times, const absl::TimeZone& zone) const {
  const auto month_steps = times_or_past_9999(years * 12 + months, times, kMaxMonths);
  const auto day_steps = times_or_past_9999(weeks * 7 + days, times, kMaxDays);
  const auto fixed = times_or_past_9999(fixed_ms(), times, kMaxFixedMs);
  auto out = from;
  if (month_steps != 0 || day_steps != 0) out = calendar_steps(from, month_steps, day_steps, zone);
  out += std::chrono::milliseconds(fixed);
  if (out.time_since_epoch().count() > kLastIsoMs) throw past_9999();
  return out;
}

namespace {

TimerDefinition parse_cycle(std::string_view text) {
  TimerDefinition def;
  def.type = TimerDefinition::Type::time_cycle;
  auto fail = [&](const std::string& what) -> TimerDefinitionError {
    return TimerDefinitionError("time_cycle \"" + std::string(text) + "\": " + what);
  };
  if (text.empty() || text.front() != 'R')
    throw fail("must start with R, e.g. R5/PT10S, R/PT5S or R3/2026-01-01T00:00:00Z/PT1H");
  const auto parts = cycle_parts(text);
  if (parts.size() < 2) throw fail("needs a duration after R…/");
  if (parts.size() > 3) throw fail("has more than three parts");
  const auto count = parts[0].substr(1);
  if (!count.empty()) {
    if (count.front() == '-') throw fail("the repetition count must not be negative");
    std::int64_t n = 0;
    auto [ptr, ec] = std::from_chars(count.data(), count.data() + count.size(), n);
    if (ec != std::errc() || ptr != count.data() + count.size())
      throw fail("the repetition count \"" + std::string(count) + "\" is not a whole number");
    if (n < 1) throw fail("the repetition count must be at least 1");
    def.repetitions = n;
  }
  if (parts.size() == 3) {
    if (!parts[1].empty() && parts[1].front() == 'P')
      throw fail("an end date is not supported; use R<n>/<start>/<duration>");
    const auto start = read_date_time(parts[1]);
    def.at = TimePoint(std::chrono::milliseconds(start.unix_ms));
    def.zone = start.zone;
  }
  def.duration = IsoDuration::parse(parts.back());
  if (!def.duration.calendar() && def.duration.fixed_ms() == 0)
    throw fail("the duration must not be zero");
  return def;
}

}  // namespace

TimerDefinition TimerDefinition::parse(std::string_view type, std::string_view text) {
  TimerDefinition def;
  if (type == "time_date") {
    def.type = Type::time_date;
    def.at = TimePoint(std::chrono::milliseconds(read_date_time(text).unix_ms));
  } else if (type == "time_duration") {
    def.type = Type::time_duration;
    def.duration = IsoDuration::parse(text);
  } else if (type == "time_cycle") {
    def = parse_cycle(text);
  } else {
    throw TimerDefinitionError("timer_type \"" + std::string(type) +
                               "\": expected time_date, time_duration or time_cycle");
  }
  def.text = std::string(text);
  return def;
}

std::optional<TimePoint> TimerDefinition::due(TimePoint armed, std::int64_t fired) const {
  try {
    switch (type) {
      case Type::time_date:
        return fired == 0 ? at : std::nullopt;
      case Type::time_duration:
        return fired == 0 ? std::optional(duration.after(armed)) : std::nullopt;
      case Type::time_cycle:
        if (repetitions && fired >= *repetitions) return std::nullopt;
        if (fired == std::numeric_limits<std::int64_t>::max()) throw past_9999();
        return at ? duration.after(*at, fired, zone) : duration.after(armed, fired + 1);
    }
  } catch (const TimerDefinitionError& e) {
    const char* name = type == Type::time_date       ? "time_date"
                       : type == Type::time_duration ? "time_duration"
                                                     : "time_cycle";
    throw TimerDefinitionError(std::string(name) + " \"" + text + "\": " + e.what());
  }
  return std::nullopt;
}

std::optional<TimePoint> TimerDefinition::due_or_none(TimePoint armed, std::int64_t fired) const {
  try {
    return due(armed, fired);
  } catch (const TimerDefinitionError&) {
    return std::nullopt;
  }
}

std::int64_t TimerDefinition::first_not_due_by(TimePoint armed, std::int64_t from,
                                               TimePoint now) const {
  const auto passed = [&](std::int64_t k) {
    const auto when = due_or_none(armed, k);
    return when && *when <= now;
  };
  if (!passed(from)) return from;
  // Grow a step until an occurrence is not due by `now`, then halve back to the first such.
  std::int64_t low = from, step = 1;  // passed(low) holds
  while (step < (std::int64_t{1} << 61) && passed(low + step)) {
    low += step;
    step *= 2;
  }
  std::int64_t high = low + step;  // !passed(high)
  while (high - low > 1) {
    const auto middle = low + (high - low) / 2;
    (passed(middle) ? low : high) = middle;
  }
  return high;
}

std::int64_t TimerDefinition::period_ms() const {
  return duration.calendar() ? 24 * 3'600'000 : duration.fixed_ms();
}

}  // namespace warden::host
