#include "host/timers/cron_schedule.hpp"

#include "host/runtime/time_zone.hpp"

#include <absl/time/civil_time.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <charconv>
#include <functional>
#include <utility>
#include <vector>

namespace warden::host {
namespace {

/// The last day of `day`'s month.
absl::CivilDay last_of_month(absl::CivilDay day) {
  return absl::CivilDay(absl::CivilMonth(day) + 1) - 1;
}

/// 0 for Sunday … 6 for Saturday, as cron counts.
int cron_weekday(absl::CivilDay day) {
  return (static_cast<int>(absl::GetWeekday(day)) + 1) % 7;  // Abseil: Monday is 0
}

TimePoint time_point(absl::Time t) {
  return TimePoint(std::chrono::milliseconds(absl::ToUnixMillis(t)));
}

struct Field {
  const char* name;
  int min, max;
  std::array<std::string_view, 12> names;  ///< names[i] stands for min + i
  const char* names_hint;                  ///< what the names are, for a message
};

constexpr std::array<Field, 5> kFields = {{
    {"minute", 0, 59, {}, ""},
    {"hour", 0, 23, {}, ""},
    {"day-of-month", 1, 31, {}, ""},
    {"month",
     1,
     12,
     {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"},
     " or a month name (JAN-DEC)"},
    {"day-of-week",
     0,
     7,
     {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"},
     " or a day name (SUN-SAT)"},
}};
constexpr std::size_t kWeekdayField = 4;

struct Macro {
  std::string_view name, fields;
};
constexpr std::array<Macro, 7> kMacros = {{{"@hourly", "0 * * * *"},
                                           {"@daily", "0 0 * * *"},
                                           {"@midnight", "0 0 * * *"},
                                           {"@weekly", "0 0 * * 0"},
                                           {"@monthly", "0 0 1 * *"},
                                           {"@yearly", "0 0 1 1 *"},
                                           {"@annually", "0 0 1 1 *"}}};
constexpr const char* kMacroList =
    "expected @hourly, @daily, @midnight, @weekly, @monthly, @yearly or @annually";

constexpr std::string_view kSpace = " \t\n\r\f\v";

bool is_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && lower(a) == lower(b);
}

std::vector<std::string_view> split(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t pos = text.find_first_not_of(kSpace);
  while (pos != std::string_view::npos) {
    const auto end = std::min(text.find_first_of(kSpace, pos), text.size());
    out.push_back(text.substr(pos, end - pos));
    pos = text.find_first_not_of(kSpace, end);
  }
  return out;
}

using Fail = std::function<TimerDefinitionError(const std::string&)>;

/// Reads one field's text: a list of `*`, values, ranges and steps.
class FieldParser {
 public:
  FieldParser(std::string_view text, const Field& field, const Fail& fail_expression)
      : text_(text), field_(field), fail_expression_(fail_expression) {}

  /// The values the field allows, bit n for value n (for day-of-week, 7 is still bit 7 here).
  std::uint64_t parse() {
    std::uint64_t bits = 0;
    while (true) {
      const auto item = pos_;
      if (pos_ == text_.size() || text_[pos_] == ',') throw fail("has an empty list item");
      auto [low, high] = range();
      const int step = this->step();
      if (pos_ < text_.size() && text_[pos_] != ',')
        throw fail(std::string("unexpected '") + text_[pos_] + "' after \"" +
                   std::string(text_.substr(item, pos_ - item)) + "\"");
      for (int v = low; v <= high; v += step) bits |= std::uint64_t{1} << v;
      if (pos_ == text_.size()) break;
      ++pos_;  // the ','
    }
    return bits;
  }

 private:
  struct Value {
    int value;
    bool named;
  };

  TimerDefinitionError fail(const std::string& what) const {
    return fail_expression_(std::string(field_.name) + " \"" + std::string(text_) + "\": " + what);
  }

  static std::string range_text(int low, int high) {
    return std::to_string(low) + "-" + std::to_string(high);
  }

  /// The token at the position (letters and digits), or a failure saying what was expected.
  std::string_view token(const char* what, const char* where) {
    const auto start = pos_;
    while (pos_ < text_.size() && is_alnum(text_[pos_])) ++pos_;
    if (pos_ == start)
      throw fail(std::string("expected ") + what + where +
                 (pos_ < text_.size() ? std::string(", found '") + text_[pos_] + "'" : ""));
    return text_.substr(start, pos_ - start);
  }

  Value value(const char* where) {
    const auto t = token("a number", where);
    if (is_digits(t)) {
      int n = 0;
      auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
      if (ec != std::errc() || n < field_.min || n > field_.max)
        throw fail_expression_(std::string(field_.name) + " " + std::string(t) +
                               " is out of range " + range_text(field_.min, field_.max));
      return {n, false};
    }
    for (std::size_t i = 0; i < field_.names.size() && !field_.names[i].empty(); ++i)
      if (iequals(t, field_.names[i])) return {static_cast<int>(i) + field_.min, true};
    throw fail("\"" + std::string(t) + "\" is not a number" + field_.names_hint);
  }

  /// `*`, `a`, `a-b` or `a/…` (a to the field's maximum).
  std::pair<int, int> range() {
    if (text_[pos_] == '*') {
      ++pos_;
      if (pos_ < text_.size() && text_[pos_] != '/' && text_[pos_] != ',')
        throw fail("'*' must stand alone or be followed by a step, e.g. */5");
      return {field_.min, field_.max};
    }
    const auto start = pos_;
    const int low = value("").value;
    if (pos_ < text_.size() && text_[pos_] == '/') return {low, field_.max};
    if (pos_ == text_.size() || text_[pos_] != '-') return {low, low};
    const auto end = ++pos_;
    auto last = value(" after '-'");
    // FRI-SUN: a range of weekdays may end on Sunday, read as 7.
    if (&field_ == &kFields[kWeekdayField] && last.named && last.value == 0 && low > 0)
      last.value = 7;
    if (last.value < low)
      throw fail("the range " + std::string(text_.substr(start, pos_ - start)) + " is reversed (" +
                 std::string(text_.substr(start, end - 1 - start)) + " comes after " +
                 std::string(text_.substr(end, pos_ - end)) + ")");
    return {low, last.value};
  }

  /// `/n` after a range, or 1.
  int step() {
    if (pos_ == text_.size() || text_[pos_] != '/') return 1;
    ++pos_;
    const auto t = token("a step", " after '/'");
    if (!is_digits(t)) throw fail("the step \"" + std::string(t) + "\" is not a number");
    int step = 1;
    auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), step);
    if (ec == std::errc() && step == 0) throw fail("the step must be at least 1");
    if (ec != std::errc() || step > field_.max)
      throw fail("the step " + std::string(t) + " is out of range " + range_text(1, field_.max));
    return step;
  }

  std::string_view text_;
  const Field& field_;
  const Fail& fail_expression_;
  std::size_t pos_ = 0;
};

std::uint64_t parse_field(std::string_view text, const Field& field, const Fail& fail_expression) {
  return FieldParser(text, field, fail_expression).parse();
}

/// The lowest set bit of `bits` at or above `from` (< 64), or -1.
int first_from(std::uint64_t bits, int from) {
  const auto rest = bits & (~std::uint64_t{0} << from);
  return rest == 0 ? -1 : std::countr_zero(rest);
}

}  // namespace

CronSchedule CronSchedule::parse(std::string_view expression, std::string_view time_zone) {
  const Fail fail = [&](const std::string& what) {
    return TimerDefinitionError("cron \"" + std::string(expression) + "\": " + what);
  };
  auto fields = split(expression);
  if (fields.empty())
    throw fail(
        "is empty; expected five fields (minute hour day-of-month month day-of-week), e.g. "
        "\"*/5 * * * *\"");
  if (fields.front().front() == '@') {
    const auto name = fields.front();
    const auto macro = std::find_if(kMacros.begin(), kMacros.end(),
                                    [&](const Macro& m) { return iequals(name, m.name); });
    if (macro == kMacros.end()) {
      if (iequals(name, "@reboot"))
        throw fail(std::string("@reboot is not a schedule; ") + kMacroList);
      throw fail("unknown macro \"" + std::string(name) + "\"; " + kMacroList);
    }
    if (fields.size() > 1) throw fail("has text after " + std::string(name));
    fields = split(macro->fields);
  }
  if (fields.size() != kFields.size())
    throw fail("has " + std::to_string(fields.size()) +
               " fields; expected 5 (minute hour day-of-month month day-of-week)" +
               (fields.size() > kFields.size() ? "; seconds and years are not supported" : ""));

  CronSchedule s;
  s.expression_ = std::string(expression);
  s.time_zone_ = std::string(time_zone);
  std::array<std::uint64_t, 5> bits{};
  for (std::size_t i = 0; i < kFields.size(); ++i)
    bits[i] = parse_field(fields[i], kFields[i], fail);
  s.minutes_ = bits[0];
  s.hours_ = static_cast<std::uint32_t>(bits[1]);
  s.days_ = static_cast<std::uint32_t>(bits[2]);
  s.months_ = static_cast<std::uint16_t>(bits[3]);
  s.weekdays_ = static_cast<std::uint8_t>((bits[4] | (bits[4] >> 7)) & 0x7f);  // 7 is Sunday
  s.days_star_ = fields[2].front() == '*';
  s.weekdays_star_ = fields[4].front() == '*';
  // With both day fields restricted, any month has days of the listed weekdays. Otherwise the
  // day-of-month must exist in one of the months (29 February counts: some years have it).
  if (s.days_star_ || s.weekdays_star_) {
    bool possible = false;
    for (int m = 1; m <= 12; ++m) {
      if ((s.months_ >> m & 1) == 0) continue;
      const auto longest = last_of_month(absl::CivilDay(2000, m, 1)).day();
      if ((s.days_ & ((std::uint64_t{1} << (longest + 1)) - 2)) != 0) possible = true;
    }
    if (!possible) throw fail("can never fire: none of its months has any of its days");
  }

  auto zone = load_time_zone(time_zone);
  if (!zone) throw TimerDefinitionError("unknown time zone \"" + std::string(time_zone) + "\"");
  s.zone_ = *zone;
  return s;
}

std::optional<absl::CivilMinute> CronSchedule::matching(absl::CivilMinute from) const {
  // The first matching local minute at or after `from`, skipping whole months, days and hours;
  // at most a century ahead (every expression that can fire does so well within that).
  auto day = absl::CivilDay(from);
  const auto limit = day + 36'525;
  int hour = from.hour(), minute = from.minute();
  for (; day <= limit; day += 1, hour = 0, minute = 0) {
    if ((months_ >> day.month() & 1) == 0) {
      day = last_of_month(day);  // the loop's step goes to the 1st of the next month
      continue;
    }
    const bool by_day = (days_ >> day.day() & 1) != 0;
    const bool by_weekday = (weekdays_ >> cron_weekday(day) & 1) != 0;
    if (days_star_ || weekdays_star_ ? !(by_day && by_weekday) : !(by_day || by_weekday)) continue;
    for (int h = first_from(hours_, hour); h >= 0; h = h == 23 ? -1 : first_from(hours_, h + 1)) {
      const int m = first_from(minutes_, h == hour ? minute : 0);
      if (m >= 0) return absl::CivilMinute(day.year(), day.month(), day.day(), h, m);
    }
  }
  return std::nullopt;
}

std::optional<TimePoint> CronSchedule::next_after(TimePoint after) const {
  const auto after_time = absl::FromUnixMillis(after.time_since_epoch().count());
  auto from = absl::CivilMinute(zone_.At(after_time).cs);
  while (auto local = matching(from)) {
    const auto info = zone_.At(absl::CivilSecond(*local));
    if (info.kind == absl::TimeZone::TimeInfo::SKIPPED) {
      // Skipped by a daylight-saving change: due when the gap ends; later minutes of the same gap
      // are due at that same instant, so they cannot fire again.
      if (info.trans > after_time) return time_point(info.trans);
      const auto gap_end = zone_.At(info.trans).cs;
      const auto first_after_gap = absl::CivilMinute(gap_end) + (gap_end.second() == 0 ? 0 : 1);
      from = std::max(*local + 1, first_after_gap);
      continue;
    }
    // Unique, or repeated: `pre` uses the offset in force before the change (first occurrence).
    if (info.pre > after_time) return time_point(info.pre);
    from = *local + 1;
  }
  return std::nullopt;
}

}  // namespace warden::host
