// Cron schedules: every syntax form, both day rules, names, time zones with daylight saving, and
// every refusal with its message. Expected firings are hand-computed, written in the schedule's
// zone with the offset in force.
#include "host/timers/cron_schedule.hpp"

#include "host/runtime/iso_time.hpp"
#include "host/runtime/time_zone.hpp"

#include <absl/time/time.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace warden::host {
namespace {

using namespace std::chrono;

/// `t` in the schedule's zone, e.g. 2026-03-08T03:00:00-04:00.
std::string local(const CronSchedule& schedule, TimePoint t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%S%Ez",
                          absl::FromUnixMillis(t.time_since_epoch().count()),
                          *load_time_zone(schedule.time_zone()));
}

TimePoint parse_time_date(const std::string& text) {
  return TimePoint(milliseconds(parse_iso8601(text).unix_ms));
}

struct Fires {
  const char* expression;
  const char* zone;
  const char* after;                 // an ISO 8601 date-time
  std::vector<const char*> firings;  // each strictly after the one before
};

void expect_firings(const std::vector<Fires>& table) {
  for (const auto& row : table) {
    SCOPED_TRACE(std::string("\"") + row.expression + "\" in " + row.zone + " after " + row.after);
    std::optional<CronSchedule> schedule;
    ASSERT_NO_THROW(schedule = CronSchedule::parse(row.expression, row.zone));
    TimePoint at = parse_time_date(row.after);
    for (const char* expected : row.firings) {
      const auto next = schedule->next_after(at);
      ASSERT_TRUE(next) << "expected " << expected;
      EXPECT_EQ(local(*schedule, *next), expected);
      at = *next;
    }
  }
}

TEST(CronSchedule, ReadsEverySyntaxForm) {
  // 2026-01-01 is a Thursday.
  const char* jan1 = "2026-01-01T00:00:00Z";
  expect_firings({
      {"* * * * *", "UTC", jan1, {"2026-01-01T00:01:00+00:00", "2026-01-01T00:02:00+00:00"}},
      {"5 * * * *", "UTC", jan1, {"2026-01-01T00:05:00+00:00", "2026-01-01T01:05:00+00:00"}},
      {"5,10,50-52 * * * *",
       "UTC",
       jan1,
       {"2026-01-01T00:05:00+00:00", "2026-01-01T00:10:00+00:00", "2026-01-01T00:50:00+00:00",
        "2026-01-01T00:51:00+00:00", "2026-01-01T00:52:00+00:00", "2026-01-01T01:05:00+00:00"}},
      {"*/15 * * * *",
       "UTC",
       jan1,
       {"2026-01-01T00:15:00+00:00", "2026-01-01T00:30:00+00:00", "2026-01-01T00:45:00+00:00",
        "2026-01-01T01:00:00+00:00"}},
      {"10-30/10 * * * *",
       "UTC",
       jan1,
       {"2026-01-01T00:10:00+00:00", "2026-01-01T00:20:00+00:00", "2026-01-01T00:30:00+00:00",
        "2026-01-01T01:10:00+00:00"}},
      {"50/5 * * * *",
       "UTC",
       jan1,
       {"2026-01-01T00:50:00+00:00", "2026-01-01T00:55:00+00:00", "2026-01-01T01:50:00+00:00"}},
      {"1-3,*/20 * * * *",
       "UTC",
       jan1,
       {"2026-01-01T00:01:00+00:00", "2026-01-01T00:02:00+00:00", "2026-01-01T00:03:00+00:00",
        "2026-01-01T00:20:00+00:00", "2026-01-01T00:40:00+00:00", "2026-01-01T01:00:00+00:00"}},
      {"0 */6 * * *",
       "UTC",
       jan1,
       {"2026-01-01T06:00:00+00:00", "2026-01-01T12:00:00+00:00", "2026-01-01T18:00:00+00:00",
        "2026-01-02T00:00:00+00:00"}},
      {"0 9-17/4 * * *",
       "UTC",
       jan1,
       {"2026-01-01T09:00:00+00:00", "2026-01-01T13:00:00+00:00", "2026-01-01T17:00:00+00:00",
        "2026-01-02T09:00:00+00:00"}},
      {"0 0 1 * *", "UTC", jan1, {"2026-02-01T00:00:00+00:00", "2026-03-01T00:00:00+00:00"}},
      {"0 0 31 * *",
       "UTC",
       jan1,
       {"2026-01-31T00:00:00+00:00", "2026-03-31T00:00:00+00:00", "2026-05-31T00:00:00+00:00",
        "2026-07-31T00:00:00+00:00", "2026-08-31T00:00:00+00:00"}},
      {"0 0 13 * *", "UTC", jan1, {"2026-01-13T00:00:00+00:00", "2026-02-13T00:00:00+00:00"}},
      {"0 12 1 7 *", "UTC", jan1, {"2026-07-01T12:00:00+00:00", "2027-07-01T12:00:00+00:00"}},
      {"0 0 1 */5 *",
       "UTC",
       jan1,
       {"2026-06-01T00:00:00+00:00", "2026-11-01T00:00:00+00:00", "2027-01-01T00:00:00+00:00"}},
      // Leading, trailing and repeated blanks and tabs separate fields too.
      {" 0\t0   * * *  ", "UTC", jan1, {"2026-01-02T00:00:00+00:00"}},
  });
}

TEST(CronSchedule, ReadsMonthAndWeekdayNamesInAnyCase) {
  const char* jan1 = "2026-01-01T00:00:00Z";  // a Thursday
  expect_firings({
      {"0 12 1 jan,Jul *",
       "UTC",
       jan1,
       {"2026-01-01T12:00:00+00:00", "2026-07-01T12:00:00+00:00", "2027-01-01T12:00:00+00:00"}},
      {"0 0 1 FEB-apr/2 *",
       "UTC",
       jan1,
       {"2026-02-01T00:00:00+00:00", "2026-04-01T00:00:00+00:00", "2027-02-01T00:00:00+00:00"}},
      {"0 0 1 Oct/2 *",
       "UTC",
       jan1,
       {"2026-10-01T00:00:00+00:00", "2026-12-01T00:00:00+00:00", "2027-10-01T00:00:00+00:00"}},
      {"30 8 * * MON-FRI",
       "UTC",
       jan1,
       {"2026-01-01T08:30:00+00:00", "2026-01-02T08:30:00+00:00", "2026-01-05T08:30:00+00:00"}},
      {"0 0 * * sat,Sun",
       "UTC",
       jan1,
       {"2026-01-03T00:00:00+00:00", "2026-01-04T00:00:00+00:00", "2026-01-10T00:00:00+00:00"}},
      // A range may end on SUN, read as 7.
      {"0 0 * * fri-sun",
       "UTC",
       jan1,
       {"2026-01-02T00:00:00+00:00", "2026-01-03T00:00:00+00:00", "2026-01-04T00:00:00+00:00",
        "2026-01-09T00:00:00+00:00"}},
      {"0 0 * * TUE-WED/1",
       "UTC",
       jan1,
       {"2026-01-06T00:00:00+00:00", "2026-01-07T00:00:00+00:00"}},
  });
}

TEST(CronSchedule, ReadsSundayAsZeroOrSeven) {
  const char* jan1 = "2026-01-01T00:00:00Z";  // a Thursday; Sundays are the 4th and the 11th
  const std::vector<const char*> sundays = {"2026-01-04T00:00:00+00:00",
                                            "2026-01-11T00:00:00+00:00"};
  expect_firings({
      {"0 0 * * 0", "UTC", jan1, sundays},
      {"0 0 * * 7", "UTC", jan1, sundays},
      {"0 0 * * SUN", "UTC", jan1, sundays},
      {"0 0 * * */7", "UTC", jan1, sundays},
      {"0 0 * * 5-7",
       "UTC",
       jan1,
       {"2026-01-02T00:00:00+00:00", "2026-01-03T00:00:00+00:00", "2026-01-04T00:00:00+00:00",
        "2026-01-09T00:00:00+00:00"}},
      // 1/2 runs up to 7: Monday, Wednesday, Friday and Sunday.
      {"0 0 * * 1/2",
       "UTC",
       jan1,
       {"2026-01-02T00:00:00+00:00", "2026-01-04T00:00:00+00:00", "2026-01-05T00:00:00+00:00",
        "2026-01-07T00:00:00+00:00"}},
      // */3 from 0: Sunday, Wednesday, Saturday.
      {"0 0 * * */3",
       "UTC",
       jan1,
       {"2026-01-03T00:00:00+00:00", "2026-01-04T00:00:00+00:00", "2026-01-07T00:00:00+00:00",
        "2026-01-10T00:00:00+00:00"}},
  });
}

TEST(CronSchedule, MatchesEitherDayFieldWhenBothAreRestricted) {
  const char* jan1 = "2026-01-01T00:00:00Z";  // a Thursday
  expect_firings({
      // The 13th or a Friday.
      {"0 0 13 * FRI",
       "UTC",
       jan1,
       {"2026-01-02T00:00:00+00:00", "2026-01-09T00:00:00+00:00", "2026-01-13T00:00:00+00:00",
        "2026-01-16T00:00:00+00:00"}},
      {"0 0 1,15 * 1",
       "UTC",
       jan1,
       {"2026-01-05T00:00:00+00:00", "2026-01-12T00:00:00+00:00", "2026-01-15T00:00:00+00:00",
        "2026-01-19T00:00:00+00:00"}},
      // Day 30 never comes in February, but its Mondays do.
      {"0 0 30 2 MON", "UTC", jan1, {"2026-02-02T00:00:00+00:00", "2026-02-09T00:00:00+00:00"}},
      // A day field is restricted but the other is `*`: both must match (the other always does).
      {"0 0 * * FRI", "UTC", jan1, {"2026-01-02T00:00:00+00:00", "2026-01-09T00:00:00+00:00"}},
      {"0 0 13 * *", "UTC", jan1, {"2026-01-13T00:00:00+00:00", "2026-02-13T00:00:00+00:00"}},
      // As in Vixie cron, a field starting with `*` counts as unrestricted, so `*/10` (the 1st,
      // 11th, 21st, 31st) and Monday must both hold: 11 May, 1 June, 31 August 2026.
      {"0 0 */10 * MON",
       "UTC",
       jan1,
       {"2026-05-11T00:00:00+00:00", "2026-06-01T00:00:00+00:00", "2026-08-31T00:00:00+00:00"}},
      // 29 February on a Sunday: 2032, then 2060.
      {"0 0 29 2 */7", "UTC", jan1, {"2032-02-29T00:00:00+00:00", "2060-02-29T00:00:00+00:00"}},
  });
}

TEST(CronSchedule, HandlesMonthEndsAndLeapYears) {
  expect_firings({
      {"0 0 29 2 *",
       "UTC",
       "2025-01-01T00:00:00Z",
       {"2028-02-29T00:00:00+00:00", "2032-02-29T00:00:00+00:00"}},
      // 2100 is not a leap year: eight years pass.
      {"0 0 29 2 *", "UTC", "2097-01-01T00:00:00Z", {"2104-02-29T00:00:00+00:00"}},
      {"0 0 31 4-12 *",
       "UTC",
       "2026-04-01T00:00:00Z",
       {"2026-05-31T00:00:00+00:00", "2026-07-31T00:00:00+00:00", "2026-08-31T00:00:00+00:00",
        "2026-10-31T00:00:00+00:00", "2026-12-31T00:00:00+00:00", "2027-05-31T00:00:00+00:00"}},
      {"59 23 31 12 *", "UTC", "2026-12-31T23:58:59Z", {"2026-12-31T23:59:00+00:00"}},
      {"59 23 31 12 *",
       "UTC",
       "2026-12-31T23:59:00Z",
       {"2027-12-31T23:59:00+00:00", "2028-12-31T23:59:00+00:00"}},
      {"0 0 28-31 2 *",
       "UTC",
       "2028-02-27T12:00:00Z",
       {"2028-02-28T00:00:00+00:00", "2028-02-29T00:00:00+00:00", "2029-02-28T00:00:00+00:00"}},
  });
}

TEST(CronSchedule, FiresStrictlyAfterTheGivenInstant) {
  expect_firings({
      {"0 0 * * *", "UTC", "2026-01-01T00:00:00Z", {"2026-01-02T00:00:00+00:00"}},
      {"0 0 * * *", "UTC", "2025-12-31T23:59:59.999Z", {"2026-01-01T00:00:00+00:00"}},
      {"0 0 * * *", "UTC", "2026-01-01T00:00:00.001Z", {"2026-01-02T00:00:00+00:00"}},
      {"* * * * *", "UTC", "2026-01-01T00:00:30Z", {"2026-01-01T00:01:00+00:00"}},
      {"* * * * *", "UTC", "2026-01-01T00:00:59.999Z", {"2026-01-01T00:01:00+00:00"}},
  });
}

TEST(CronSchedule, ReadsTheMacros) {
  const char* jan1 = "2026-01-01T00:00:00Z";  // a Thursday
  expect_firings({
      {"@hourly", "UTC", jan1, {"2026-01-01T01:00:00+00:00"}},
      {"@daily", "UTC", jan1, {"2026-01-02T00:00:00+00:00"}},
      {"@midnight", "UTC", jan1, {"2026-01-02T00:00:00+00:00"}},
      {"@weekly", "UTC", jan1, {"2026-01-04T00:00:00+00:00", "2026-01-11T00:00:00+00:00"}},
      {"@monthly", "UTC", jan1, {"2026-02-01T00:00:00+00:00"}},
      {"@yearly", "UTC", jan1, {"2027-01-01T00:00:00+00:00"}},
      {" @Annually ", "UTC", jan1, {"2027-01-01T00:00:00+00:00"}},
      {"@daily", "Europe/Berlin", jan1, {"2026-01-02T00:00:00+01:00"}},
  });
}

TEST(CronSchedule, EvaluatesInItsTimeZone) {
  expect_firings({
      {"0 9 * * *", "Asia/Kolkata", "2026-01-01T00:00:00Z", {"2026-01-01T09:00:00+05:30"}},
      {"0 9 * * *", "Asia/Kolkata", "2026-01-01T04:00:00Z", {"2026-01-02T09:00:00+05:30"}},
      // Midnight on 1 January in New York is 05:00 UTC.
      {"0 0 1 1 *", "America/New_York", "2026-01-01T04:59:00Z", {"2026-01-01T00:00:00-05:00"}},
      {"0 0 1 1 *", "America/New_York", "2026-01-01T05:00:00Z", {"2027-01-01T00:00:00-05:00"}},
      // Summer and winter offsets of the same local time.
      {"0 12 1 1,7 *",
       "Europe/Berlin",
       "2026-01-01T00:00:00Z",
       {"2026-01-01T12:00:00+01:00", "2026-07-01T12:00:00+02:00"}},
  });
}

TEST(CronSchedule, FiresOnceAfterASpringForwardGap) {
  expect_firings({
      // New York, 8 March 2026: 02:00 EST becomes 03:00 EDT; 02:30 does not exist.
      {"30 2 * * *",
       "America/New_York",
       "2026-03-07T12:00:00-05:00",
       {"2026-03-08T03:00:00-04:00", "2026-03-09T02:30:00-04:00"}},
      // 02:00, 02:30 and 03:00 are all due at 03:00 EDT: one firing.
      {"*/30 * * * *",
       "America/New_York",
       "2026-03-08T01:00:00-05:00",
       {"2026-03-08T01:30:00-05:00", "2026-03-08T03:00:00-04:00", "2026-03-08T03:30:00-04:00"}},
      {"0 3 * * *",
       "America/New_York",
       "2026-03-08T00:00:00-05:00",
       {"2026-03-08T03:00:00-04:00", "2026-03-09T03:00:00-04:00"}},
      {"30 2 * * *",
       "America/New_York",
       "2026-03-08T03:00:00-04:00",
       {"2026-03-09T02:30:00-04:00"}},
      // Berlin, 29 March 2026: 02:00 CET becomes 03:00 CEST.
      {"30 2 * * *",
       "Europe/Berlin",
       "2026-03-28T12:00:00+01:00",
       {"2026-03-29T03:00:00+02:00", "2026-03-30T02:30:00+02:00"}},
      {"15 2 29 3 *", "Europe/Berlin", "2026-01-01T00:00:00Z", {"2026-03-29T03:00:00+02:00"}},
      // Lord Howe Island, 4 October 2026: 02:00 becomes 02:30 (a half-hour change).
      {"15 2 * * *",
       "Australia/Lord_Howe",
       "2026-10-03T12:00:00+10:30",
       {"2026-10-04T02:30:00+11:00", "2026-10-05T02:15:00+11:00"}},
  });
}

TEST(CronSchedule, FiresOnceAtTheFirstOccurrenceOfARepeatedHour) {
  expect_firings({
      // New York, 1 November 2026: 02:00 EDT becomes 01:00 EST; 01:00-01:59 happen twice.
      {"30 1 * * *",
       "America/New_York",
       "2026-10-31T12:00:00-04:00",
       {"2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00"}},
      {"*/30 * * * *",
       "America/New_York",
       "2026-11-01T00:30:00-04:00",
       {"2026-11-01T01:00:00-04:00", "2026-11-01T01:30:00-04:00", "2026-11-01T02:00:00-05:00",
        "2026-11-01T02:30:00-05:00"}},
      // From within the second 01:00-01:59: 01:30 was already due in the first.
      {"30 1 * * *",
       "America/New_York",
       "2026-11-01T01:10:00-05:00",
       {"2026-11-02T01:30:00-05:00"}},
      {"45 1 * * *",
       "America/New_York",
       "2026-11-01T01:50:00-04:00",
       {"2026-11-02T01:45:00-05:00"}},
      // From within the first 01:00-01:59, before 01:45.
      {"45 1 * * *",
       "America/New_York",
       "2026-11-01T01:10:00-04:00",
       {"2026-11-01T01:45:00-04:00"}},
      // Berlin, 25 October 2026: 03:00 CEST becomes 02:00 CET.
      {"30 2 * * *",
       "Europe/Berlin",
       "2026-10-24T12:00:00+02:00",
       {"2026-10-25T02:30:00+02:00", "2026-10-26T02:30:00+01:00"}},
      {"0 * * * *",
       "Europe/Berlin",
       "2026-10-25T00:30:00+02:00",
       {"2026-10-25T01:00:00+02:00", "2026-10-25T02:00:00+02:00", "2026-10-25T03:00:00+01:00"}},
  });
}

TEST(CronSchedule, RefusesLinesThatCanNeverFire) {
  for (const std::string expression :
       {"0 0 30 2 *", "0 0 31 4 *", "0 0 31 4,6,9,11 *", "0 0 30,31 feb *", "0 0 30 2 */2"}) {
    SCOPED_TRACE(expression);
    try {
      CronSchedule::parse(expression);
      ADD_FAILURE() << "accepted";
    } catch (const TimerDefinitionError& e) {
      EXPECT_EQ(std::string(e.what()), "cron \"" + expression +
                                           "\": can never fire: none of its months has any of "
                                           "its days");
    }
  }
  // 29 February and a weekday that stands in for a missing day both fire.
  EXPECT_TRUE(
      CronSchedule::parse("0 0 29 2 *").next_after(parse_time_date("2026-01-01T00:00:00Z")));
  EXPECT_TRUE(
      CronSchedule::parse("0 0 30 2 MON").next_after(parse_time_date("2026-01-01T00:00:00Z")));
}

TEST(CronSchedule, AnswersTheSameForEveryInstantBetweenTwoFirings) {
  struct Walk {
    const char* expression;
    const char* zone;
    const char* from;
  };
  for (const auto& walk :
       std::vector<Walk>{{"*/7 1-3 * * *", "America/New_York", "2026-03-01T00:00:00Z"},
                         {"*/7 1-3 * * *", "America/New_York", "2026-10-25T00:00:00Z"},
                         {"0 0 13 * FRI", "UTC", "2026-01-01T00:00:00Z"},
                         {"30 2 * 3,10,11 SUN", "Europe/Berlin", "2026-01-01T00:00:00Z"}}) {
    SCOPED_TRACE(std::string(walk.expression) + " in " + walk.zone + " from " + walk.from);
    const auto schedule = CronSchedule::parse(walk.expression, walk.zone);
    auto previous = *schedule.next_after(parse_time_date(walk.from));
    for (int i = 0; i < 400; ++i) {
      const auto next = *schedule.next_after(previous);
      ASSERT_GT(next, previous);
      for (const auto between :
           {previous + milliseconds(1), previous + (next - previous) / 2, next - milliseconds(1)})
        ASSERT_EQ(schedule.next_after(between), next) << local(schedule, between);
      previous = next;
    }
  }
}

TEST(CronSchedule, KeepsTheExpressionAndZoneAsGiven) {
  const auto utc = CronSchedule::parse("*/5 * * * *");
  EXPECT_EQ(utc.expression(), "*/5 * * * *");
  EXPECT_EQ(utc.time_zone(), "UTC");
  const auto berlin = CronSchedule::parse(" @daily ", "Europe/Berlin");
  EXPECT_EQ(berlin.expression(), " @daily ");
  EXPECT_EQ(berlin.time_zone(), "Europe/Berlin");
}

TEST(CronSchedule, IsQuickEvenForRareSchedules) {
  const auto start = parse_time_date("2026-01-01T00:00:00Z");
  int calls = 0;
  const auto began = steady_clock::now();
  for (const char* expression : {"* * * * *", "0 0 29 2 *", "0 0 29 2 */7", "59 23 31 12 SAT",
                                 "0 0 31 * */3", "30 2 * 3,11 SUN"}) {
    const auto schedule = CronSchedule::parse(expression, "America/New_York");
    TimePoint at = start;
    for (int i = 0; i < 200; ++i, ++calls) at = *schedule.next_after(at);
  }
  const auto each = (steady_clock::now() - began) / calls;
  EXPECT_LT(each, milliseconds(1)) << duration_cast<microseconds>(each).count() << " us per call";
}

struct Refused {
  const char* expression;
  const char* zone;
  const char* message;  // the whole message
};

TEST(CronSchedule, RefusesEverythingElseSayingWhatAndWhere) {
  const std::vector<Refused> table = {
      {"", "UTC",
       "cron \"\": is empty; expected five fields (minute hour day-of-month month day-of-week), "
       "e.g. \"*/5 * * * *\""},
      {" \t ", "UTC",
       "cron \" \t \": is empty; expected five fields (minute hour day-of-month month "
       "day-of-week), e.g. \"*/5 * * * *\""},
      {"* * * *", "UTC",
       "cron \"* * * *\": has 4 fields; expected 5 (minute hour day-of-month month day-of-week)"},
      {"0 0 * * * *", "UTC",
       "cron \"0 0 * * * *\": has 6 fields; expected 5 (minute hour day-of-month month "
       "day-of-week); seconds and years are not supported"},
      {"0 0 * * * garbage", "UTC",
       "cron \"0 0 * * * garbage\": has 6 fields; expected 5 (minute hour day-of-month month "
       "day-of-week); seconds and years are not supported"},
      // Out of range, in every field.
      {"61 * * * *", "UTC", "cron \"61 * * * *\": minute 61 is out of range 0-59"},
      {"* 24 * * *", "UTC", "cron \"* 24 * * *\": hour 24 is out of range 0-23"},
      {"* * 0 * *", "UTC", "cron \"* * 0 * *\": day-of-month 0 is out of range 1-31"},
      {"* * 1-32 * *", "UTC", "cron \"* * 1-32 * *\": day-of-month 32 is out of range 1-31"},
      {"* * * 13 *", "UTC", "cron \"* * * 13 *\": month 13 is out of range 1-12"},
      {"* * * 0 *", "UTC", "cron \"* * * 0 *\": month 0 is out of range 1-12"},
      {"* * * * 8", "UTC", "cron \"* * * * 8\": day-of-week 8 is out of range 0-7"},
      {"99999999999 * * * *", "UTC",
       "cron \"99999999999 * * * *\": minute 99999999999 is out of range 0-59"},
      // Steps.
      {"*/0 * * * *", "UTC", "cron \"*/0 * * * *\": minute \"*/0\": the step must be at least 1"},
      {"0 0-23/0 * * *", "UTC",
       "cron \"0 0-23/0 * * *\": hour \"0-23/0\": the step must be at least 1"},
      {"*/60 * * * *", "UTC",
       "cron \"*/60 * * * *\": minute \"*/60\": the step 60 is out of range 1-59"},
      {"0 0 1 */13 *", "UTC",
       "cron \"0 0 1 */13 *\": month \"*/13\": the step 13 is out of range 1-12"},
      {"*/x * * * *", "UTC",
       "cron \"*/x * * * *\": minute \"*/x\": the step \"x\" is not a number"},
      {"*/ * * * *", "UTC", "cron \"*/ * * * *\": minute \"*/\": expected a step after '/'"},
      {"*/5/2 * * * *", "UTC",
       "cron \"*/5/2 * * * *\": minute \"*/5/2\": unexpected '/' after \"*/5\""},
      // Ranges.
      {"30-10 * * * *", "UTC",
       "cron \"30-10 * * * *\": minute \"30-10\": the range 30-10 is reversed (30 comes after "
       "10)"},
      {"* * * * FRI-MON", "UTC",
       "cron \"* * * * FRI-MON\": day-of-week \"FRI-MON\": the range FRI-MON is reversed (FRI "
       "comes after MON)"},
      {"* * * * 7-1", "UTC",
       "cron \"* * * * 7-1\": day-of-week \"7-1\": the range 7-1 is reversed (7 comes after 1)"},
      {"* * * dec-jan *", "UTC",
       "cron \"* * * dec-jan *\": month \"dec-jan\": the range dec-jan is reversed (dec comes "
       "after jan)"},
      {"5- * * * *", "UTC", "cron \"5- * * * *\": minute \"5-\": expected a number after '-'"},
      {"5-/2 * * * *", "UTC",
       "cron \"5-/2 * * * *\": minute \"5-/2\": expected a number after '-', found '/'"},
      {"1-5-7 * * * *", "UTC",
       "cron \"1-5-7 * * * *\": minute \"1-5-7\": unexpected '-' after \"1-5\""},
      // Lists, names and stray text.
      {"1,,2 * * * *", "UTC", "cron \"1,,2 * * * *\": minute \"1,,2\": has an empty list item"},
      {"1, * * * *", "UTC", "cron \"1, * * * *\": minute \"1,\": has an empty list item"},
      {",1 * * * *", "UTC", "cron \",1 * * * *\": minute \",1\": has an empty list item"},
      {"-5 * * * *", "UTC", "cron \"-5 * * * *\": minute \"-5\": expected a number, found '-'"},
      {"? * * * *", "UTC", "cron \"? * * * *\": minute \"?\": expected a number, found '?'"},
      {"*5 * * * *", "UTC",
       "cron \"*5 * * * *\": minute \"*5\": '*' must stand alone or be followed by a step, e.g. "
       "*/5"},
      {"5x * * * *", "UTC", "cron \"5x * * * *\": minute \"5x\": \"5x\" is not a number"},
      {"0 0 * * 1.5", "UTC",
       "cron \"0 0 * * 1.5\": day-of-week \"1.5\": unexpected '.' after \"1\""},
      {"0 0 1 1 1;", "UTC", "cron \"0 0 1 1 1;\": day-of-week \"1;\": unexpected ';' after \"1\""},
      {"MON * * * *", "UTC", "cron \"MON * * * *\": minute \"MON\": \"MON\" is not a number"},
      {"* * * JANUARY *", "UTC",
       "cron \"* * * JANUARY *\": month \"JANUARY\": \"JANUARY\" is not a number or a month name "
       "(JAN-DEC)"},
      {"* * * * MONDAY", "UTC",
       "cron \"* * * * MONDAY\": day-of-week \"MONDAY\": \"MONDAY\" is not a number or a day name "
       "(SUN-SAT)"},
      {"* * * MON *", "UTC",
       "cron \"* * * MON *\": month \"MON\": \"MON\" is not a number or a month name (JAN-DEC)"},
      {"* * L * *", "UTC", "cron \"* * L * *\": day-of-month \"L\": \"L\" is not a number"},
      // Macros.
      {"@reboot", "UTC",
       "cron \"@reboot\": @reboot is not a schedule; expected @hourly, @daily, @midnight, "
       "@weekly, @monthly, @yearly or @annually"},
      {"@every 5m", "UTC",
       "cron \"@every 5m\": unknown macro \"@every\"; expected @hourly, @daily, @midnight, "
       "@weekly, @monthly, @yearly or @annually"},
      {"@daily 0", "UTC", "cron \"@daily 0\": has text after @daily"},
      // The zone, once the expression is good.
      {"0 0 * * *", "Mars/Base", "unknown time zone \"Mars/Base\""},
      {"0 0 * * *", "", "unknown time zone \"\""},
      {"61 * * * *", "Mars/Base", "cron \"61 * * * *\": minute 61 is out of range 0-59"},
  };
  for (const auto& row : table) {
    SCOPED_TRACE(std::string("\"") + row.expression + "\" in \"" + row.zone + "\"");
    try {
      CronSchedule::parse(row.expression, row.zone);
      ADD_FAILURE() << "accepted";
    } catch (const TimerDefinitionError& e) {
      EXPECT_EQ(std::string(e.what()), row.message);
    }
  }
}

}  // namespace
}  // namespace warden::host
