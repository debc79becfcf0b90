#include "host/runtime/iso_time.hpp"

#include "host/runtime/time_zone.hpp"

#include <absl/time/civil_time.h>

#include <cstdio>
#include <ctime>

namespace warden::host {
namespace {

constexpr const char* kExample =
    "e.g. 2019-10-01T12:00:00Z or 2019-10-02T08:09:40+02:00[Europe/Berlin]";
constexpr int kMaxOffsetSeconds = 14 * 3600;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

/// Reads the text from left to right; every failure names the part that is wrong.
class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  IsoTimeError fail(const std::string& what) const { return IsoTimeError(text_, what); }
  bool at_end() const { return pos_ == text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  std::string_view rest() const { return text_.substr(pos_); }
  void skip() { ++pos_; }
  /// How many digits follow.
  std::size_t digit_run() const {
    std::size_t end = pos_;
    while (end < text_.size() && is_digit(text_[end])) ++end;
    return end - pos_;
  }

  /// Exactly `count` digits, then no further digit.
  int digits(int count, const std::string& name) {
    std::size_t end = pos_;
    while (end < text_.size() && is_digit(text_[end])) ++end;
    if (end - pos_ != static_cast<std::size_t>(count))
      throw fail(name + " must be exactly " + std::to_string(count) + " digits");
    int value = 0;
    for (; pos_ < end; ++pos_) value = value * 10 + (text_[pos_] - '0');
    return value;
  }
  void expect(char c, const std::string& where) {
    if (peek() != c) throw fail(std::string("expected '") + c + "' " + where + ", " + kExample);
    ++pos_;
  }
  /// 1 to 9 digits after the '.', as milliseconds (digits past the third dropped).
  int fraction_ms() {
    int ms = 0, count = 0;
    for (; is_digit(peek()); skip(), ++count)
      if (count < 3) ms = ms * 10 + (peek() - '0');
    if (count == 0 || count > 9) throw fail("a fraction of a second has 1 to 9 digits");
    for (int i = count; i < 3; ++i) ms *= 10;
    return ms;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

absl::CivilSecond read_civil(Reader& in) {
  const int year = in.digits(4, "the year");
  in.expect('-', "after the year");
  const int month = in.digits(2, "the month");
  in.expect('-', "after the month");
  const int day = in.digits(2, "the day");
  if (in.at_end())
    throw in.fail("needs a time after the date: 'T', then HH:MM:SS and Z or an offset");
  in.expect('T', "between the date and the time");
  const int hour = in.digits(2, "the hour");
  in.expect(':', "after the hour");
  const int minute = in.digits(2, "the minute");
  in.expect(':', "after the minute (seconds are required)");
  const int second = in.digits(2, "the second");
  if (year < 1) throw in.fail("the year must be 0001 to 9999");
  if (month < 1 || month > 12) throw in.fail("the month must be 01 to 12");
  const absl::CivilDay date(year, month, day);
  if (day < 1 || date.month() != month)
    throw in.fail("day " + std::to_string(day) + " does not exist in " + std::to_string(year) +
                  "-" + (month < 10 ? "0" : "") + std::to_string(month));
  if (hour > 23) throw in.fail("the hour must be 00 to 23");
  if (minute > 59) throw in.fail("the minute must be 00 to 59");
  if (second > 59) throw in.fail("the second must be 00 to 59 (leap seconds are not read)");
  return absl::CivilSecond(year, month, day, hour, minute, second);
}

int read_offset_seconds(Reader& in) {
  if (in.peek() == 'Z') {
    in.skip();
    return 0;
  }
  if (in.peek() != '+' && in.peek() != '-')
    throw in.fail("needs Z or an offset such as +02:00 after the time");
  const int sign = in.peek() == '-' ? -1 : 1;
  in.skip();
  if (in.digit_run() == 4) throw in.fail("the offset needs a colon: ±HH:MM, e.g. +02:00");
  const int hours = in.digits(2, "the offset's hours");
  in.expect(':', "in the offset, which is written ±HH:MM");
  const int minutes = in.digits(2, "the offset's minutes");
  if (hours > 14) throw in.fail("the offset's hours must be 00 to 14");
  if (minutes > 59) throw in.fail("the offset's minutes must be 00 to 59");
  const int total = hours * 3600 + minutes * 60;
  if (total > kMaxOffsetSeconds) throw in.fail("the offset must be within ±14:00");
  return sign * total;
}

std::string read_region(Reader& in) {
  if (in.at_end()) return "";
  if (in.peek() != '[')
    throw in.fail("has text after the offset: \"" + std::string(in.rest()) + "\"");
  const auto rest = in.rest();
  if (rest.back() != ']' || rest.find(']') != rest.size() - 1)
    throw in.fail("the region must be the last thing, in brackets: [Europe/Berlin]");
  const auto region = rest.substr(1, rest.size() - 2);
  if (region.empty()) throw in.fail("the region in brackets is empty");
  return std::string(region);
}

/// The offset must be one the region has at that local time.
void check_region_offset(const Reader& in, const absl::CivilSecond& local, int offset,
                         const std::string& region, const absl::TimeZone& zone) {
  const auto info = zone.At(local);
  if (info.kind == absl::TimeZone::TimeInfo::SKIPPED)
    throw in.fail("that local time does not exist in " + region +
                  ": the clocks skip it (a daylight-saving gap)");
  const int before = zone.At(info.pre).offset;
  const int after = zone.At(info.post).offset;
  if (offset == before || (info.kind == absl::TimeZone::TimeInfo::REPEATED && offset == after))
    return;
  std::string expected = offset_text(before);
  if (info.kind == absl::TimeZone::TimeInfo::REPEATED) expected += " or " + offset_text(after);
  throw in.fail("the offset is not " + region + "'s at that moment (" + expected + ")");
}

}  // namespace

IsoDateTime parse_iso8601(std::string_view text) {
  Reader in(text);
  if (text.empty()) throw in.fail("is empty; expected e.g. 2019-10-01T12:00:00Z");
  const auto local = read_civil(in);
  int millis = 0;
  if (in.peek() == '.' || in.peek() == ',') {
    in.skip();
    millis = in.fraction_ms();
  }
  IsoDateTime out;
  out.offset_seconds = read_offset_seconds(in);
  out.region = read_region(in);
  const auto utc = absl::FromCivil(local, absl::UTCTimeZone()) - absl::Seconds(out.offset_seconds);
  out.unix_ms = absl::ToUnixMillis(utc) + millis;
  if (out.unix_ms > kLastIsoMs) throw in.fail("is past 9999-12-31 (UTC)");
  if (out.unix_ms < kFirstIsoMs) throw in.fail("is before 0001-01-01 (UTC)");
  if (out.region.empty()) {
    out.zone = absl::FixedTimeZone(out.offset_seconds);
    return out;
  }
  auto zone = load_time_zone(out.region);
  if (!zone) throw in.fail("unknown time zone \"" + out.region + "\"");
  check_region_offset(in, local, out.offset_seconds, out.region, *zone);
  out.zone = *zone;
  return out;
}

namespace {

// UTC fields of a Unix time, proleptic Gregorian for every year (Poco::DateTime is not before
// 15 October 1582: its hours go negative there).
std::tm utc_fields(std::int64_t unix_ms, int& millis) {
  std::int64_t seconds = unix_ms / 1000;
  millis = static_cast<int>(unix_ms % 1000);
  if (millis < 0) {
    millis += 1000;
    --seconds;
  }
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm;
}

}  // namespace

std::string iso8601(std::int64_t unix_ms) {
  int millis = 0;
  const auto tm = utc_fields(unix_ms, millis);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03d+00:00",
                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                millis);
  return buffer;
}

std::string iso8601_utc_seconds(std::int64_t unix_ms) {
  int millis = 0;
  const auto tm = utc_fields(unix_ms, millis);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buffer;
}

}  // namespace warden::host
