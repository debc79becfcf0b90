#include "host/timers/timer_definition.hpp"

// date::parse's seconds field trips a GCC 12 false positive (-Wmaybe-uninitialized) where it is
// instantiated; the library initialises it before use.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <date/date.h>
#include <date/tz.h>

#include <array>
#include <charconv>
#include <iomanip>
#include <sstream>

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

TimePoint IsoDuration::after(TimePoint from, std::int64_t times) const {
  TimePoint out = from;
  if (calendar()) {
    const auto day = date::floor<date::days>(from);
    const auto time_of_day = from - day;
    const date::year_month_day ymd(day);
    const auto ym =
        date::year_month(ymd.year(), ymd.month()) + date::months((years * 12 + months) * times);
    const auto last = (ym / date::last).day();
    const auto d = ymd.day() > last ? last : ymd.day();
    out = date::sys_days(ym / d) + time_of_day;
  }
  out += date::days((weeks * 7 + days) * times);
  out +=
      std::chrono::hours(hours * times) + std::chrono::minutes(minutes * times) + seconds * times;
  return out;
}

TimePoint parse_time_date(std::string_view text) {
  auto fail = [&](const std::string& what) -> TimerDefinitionError {
    return TimerDefinitionError("date-time \"" + std::string(text) + "\": " + what);
  };
  if (text.empty()) throw fail("is empty; expected e.g. 2019-10-01T12:00:00Z");
  std::string body(text);
  std::string region;
  if (body.back() == ']') {
    auto open = body.rfind('[');
    if (open == std::string::npos) throw fail("a ']' without its '['");
    region = body.substr(open + 1, body.size() - open - 2);
    body.resize(open);
    if (region.empty()) throw fail("the region in brackets is empty");
  }
  if (!body.empty() && (body.back() == 'Z' || body.back() == 'z')) {
    body.pop_back();
    body += "+00:00";
  }
  std::istringstream in(body);
  date::local_time<milliseconds> local;
  std::chrono::minutes offset{0};
  in >> date::parse("%FT%T%Ez", local, offset);
  if (in.fail())
    throw fail(
        "expected a date-time with Z or an offset, e.g. 2019-10-01T12:00:00Z or "
        "2019-10-02T08:09:40+02:00[Europe/Berlin]");
  if (in.peek() != std::char_traits<char>::eof()) throw fail("has text after the offset");
  const TimePoint utc{local.time_since_epoch() - offset};
  if (!region.empty()) {
    const date::time_zone* zone = nullptr;
    try {
      zone = date::locate_zone(region);
    } catch (const std::exception&) {
      throw fail("unknown time zone \"" + region + "\"");
    }
    const auto info = zone->get_info(date::floor<std::chrono::seconds>(utc));
    if (info.offset != offset) {
      const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(info.offset).count();
      std::ostringstream expected;
      expected << (minutes < 0 ? '-' : '+') << std::setfill('0') << std::setw(2)
               << std::abs(minutes) / 60 << ':' << std::setw(2) << std::abs(minutes) % 60;
      throw fail("the offset is not " + region + "'s at that moment (" + expected.str() + ")");
    }
  }
  return utc;
}

TimerDefinition TimerDefinition::parse(std::string_view type, std::string_view text) {
  TimerDefinition def;
  if (type == "time_date") {
    def.type = Type::time_date;
    def.at = parse_time_date(text);
    return def;
  }
  if (type == "time_duration") {
    def.type = Type::time_duration;
    def.duration = IsoDuration::parse(text);
    return def;
  }
  if (type != "time_cycle")
    throw TimerDefinitionError("timer_type \"" + std::string(type) +
                               "\": expected time_date, time_duration or time_cycle");
  def.type = Type::time_cycle;
  auto fail = [&](const std::string& what) -> TimerDefinitionError {
    return TimerDefinitionError("time_cycle \"" + std::string(text) + "\": " + what);
  };
  if (text.empty() || text.front() != 'R')
    throw fail("must start with R, e.g. R5/PT10S, R/PT5S or R3/2026-01-01T00:00:00Z/PT1H");
  const auto first_slash = text.find('/');
  if (first_slash == std::string_view::npos) throw fail("needs a duration after R…/");
  const auto count = text.substr(1, first_slash - 1);
  if (!count.empty()) {
    if (count.front() == '-') throw fail("the repetition count must not be negative");
    std::int64_t n = 0;
    auto [ptr, ec] = std::from_chars(count.data(), count.data() + count.size(), n);
    if (ec != std::errc() || ptr != count.data() + count.size())
      throw fail("the repetition count \"" + std::string(count) + "\" is not a whole number");
    if (n < 1) throw fail("the repetition count must be at least 1");
    def.repetitions = n;
  }
  auto rest = text.substr(first_slash + 1);
  const auto second_slash = rest.find('/');
  if (second_slash != std::string_view::npos && !rest.empty() && rest.front() == 'P')
    throw fail("an end date is not supported; use R<n>/<start>/<duration>");
  if (second_slash != std::string_view::npos) {
    def.at = parse_time_date(rest.substr(0, second_slash));
    rest = rest.substr(second_slash + 1);
    if (rest.find('/') != std::string_view::npos) throw fail("has more than three parts");
  }
  def.duration = IsoDuration::parse(rest);
  if (def.duration.after(TimePoint{}) == TimePoint{}) throw fail("the duration must not be zero");
  return def;
}

std::optional<TimePoint> TimerDefinition::due(TimePoint armed, std::int64_t fired) const {
  switch (type) {
    case Type::time_date:
      return fired == 0 ? at : std::nullopt;
    case Type::time_duration:
      return fired == 0 ? std::optional(duration.after(armed)) : std::nullopt;
    case Type::time_cycle:
      if (repetitions && fired >= *repetitions) return std::nullopt;
      return at ? duration.after(*at, fired) : duration.after(armed, fired + 1);
  }
  return std::nullopt;
}

}  // namespace warden::host
