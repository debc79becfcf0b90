// ISO 8601 timer definitions (seed 001, SPEC §7): every example of the seed, and every refusal.
#include "host/timers/timer_definition.hpp"

#include "host/runtime/iso_time.hpp"

#include <absl/time/time.h>
#include <gtest/gtest.h>

namespace warden::host {
namespace {

using namespace std::chrono;

TimePoint utc(const std::string& text) {
  return TimePoint(milliseconds(parse_iso8601(text + "Z").unix_ms));
}

std::string iso(TimePoint t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ",
                          absl::FromUnixMillis(t.time_since_epoch().count()), absl::UTCTimeZone());
}

struct Accepted {
  const char* type;
  const char* text;
  const char* armed;                 // when the timer is armed (UTC)
  std::vector<const char*> firings;  // the expected due times, in order (UTC)
  bool more;                         // whether a further firing follows the listed ones
};

TEST(TimerDefinition, AcceptsTheSeedsExamplesAndFiresWhenTheyMean) {
  const std::vector<Accepted> table = {
      {"time_date",
       "2019-10-01T12:00:00Z",
       "2019-09-01T00:00:00",
       {"2019-10-01T12:00:00.000Z"},
       false},
      {"time_date",
       "2019-10-02T08:09:40+02:00",
       "2019-09-01T00:00:00",
       {"2019-10-02T06:09:40.000Z"},
       false},
      {"time_date",
       "2019-10-02T08:09:40+02:00[Europe/Berlin]",
       "2019-09-01T00:00:00",
       {"2019-10-02T06:09:40.000Z"},
       false},
      {"time_date",
       "2019-12-02T08:09:40+01:00[Europe/Berlin]",
       "2019-09-01T00:00:00",
       {"2019-12-02T07:09:40.000Z"},
       false},
      {"time_date",
       "2026-03-01T10:00:00.250-05:30",
       "2026-01-01T00:00:00",
       {"2026-03-01T15:30:00.250Z"},
       false},
      {"time_duration", "PT15S", "2026-01-01T00:00:00", {"2026-01-01T00:00:15.000Z"}, false},
      {"time_duration", "PT1H30M", "2026-01-01T00:00:00", {"2026-01-01T01:30:00.000Z"}, false},
      {"time_duration", "P14D", "2026-01-01T00:00:00", {"2026-01-15T00:00:00.000Z"}, false},
      {"time_duration", "P14DT1H30M", "2026-01-01T00:00:00", {"2026-01-15T01:30:00.000Z"}, false},
      {"time_duration", "PT0.5S", "2026-01-01T00:00:00", {"2026-01-01T00:00:00.500Z"}, false},
      {"time_duration", "PT1,25S", "2026-01-01T00:00:00", {"2026-01-01T00:00:01.250Z"}, false},
      {"time_duration", "P1W", "2026-01-01T00:00:00", {"2026-01-08T00:00:00.000Z"}, false},
      {"time_duration",
       "P1Y2M3W4DT5H6M7S",
       "2026-01-01T00:00:00",
       {"2027-03-26T05:06:07.000Z"},
       false},
      // Calendar months: 31 January + 1 month is the last day of February (a leap year here).
      {"time_duration", "P1M", "2028-01-31T10:00:00", {"2028-02-29T10:00:00.000Z"}, false},
      {"time_duration", "P1Y", "2028-02-29T00:00:00", {"2029-02-28T00:00:00.000Z"}, false},
      {"time_cycle",
       "R5/PT10S",
       "2026-01-01T00:00:00",
       {"2026-01-01T00:00:10.000Z", "2026-01-01T00:00:20.000Z", "2026-01-01T00:00:30.000Z",
        "2026-01-01T00:00:40.000Z", "2026-01-01T00:00:50.000Z"},
       false},
      {"time_cycle", "R1/P1D", "2026-01-01T06:00:00", {"2026-01-02T06:00:00.000Z"}, false},
      {"time_cycle",
       "R/PT5S",
       "2026-01-01T00:00:00",
       {"2026-01-01T00:00:05.000Z", "2026-01-01T00:00:10.000Z", "2026-01-01T00:00:15.000Z"},
       true},
      {"time_cycle",
       "R3/2026-01-01T00:00:00Z/PT1H",
       "2025-12-31T00:00:00",
       {"2026-01-01T00:00:00.000Z", "2026-01-01T01:00:00.000Z", "2026-01-01T02:00:00.000Z"},
       false},
      // Monthly from 31 January: no drift after a short month.
      {"time_cycle",
       "R3/2026-01-31T09:00:00Z/P1M",
       "2026-01-01T00:00:00",
       {"2026-01-31T09:00:00.000Z", "2026-02-28T09:00:00.000Z", "2026-03-31T09:00:00.000Z"},
       false},
      // A region inside the start: the cycle splits at the '/'s outside its brackets.
      {"time_cycle",
       "R3/2027-07-01T12:00:00+02:00[Europe/Berlin]/PT1H",
       "2027-01-01T00:00:00",
       {"2027-07-01T10:00:00.000Z", "2027-07-01T11:00:00.000Z", "2027-07-01T12:00:00.000Z"},
       false},
      // Calendar steps count in the start's own offset (java.time): 28 February local, not UTC's.
      {"time_cycle",
       "R3/2024-02-29T02:00:00+05:30/P1Y",
       "2024-01-01T00:00:00",
       {"2024-02-28T20:30:00.000Z", "2025-02-27T20:30:00.000Z", "2026-02-27T20:30:00.000Z"},
       false},
      // ... and in the start's region: noon stays noon across the change to summer time,
      {"time_cycle",
       "R3/2027-03-27T12:00:00+01:00[Europe/Berlin]/P1D",
       "2027-01-01T00:00:00",
       {"2027-03-27T11:00:00.000Z", "2027-03-28T10:00:00.000Z", "2027-03-29T10:00:00.000Z"},
       false},
      // a local time the clocks skip moves later by the gap (02:30 → 03:30 CEST),
      {"time_cycle",
       "R2/2027-02-28T02:30:00+01:00[Europe/Berlin]/P1M",
       "2027-01-01T00:00:00",
       {"2027-02-28T01:30:00.000Z", "2027-03-28T01:30:00.000Z"},
       false},
      // a repeated one keeps the start's offset, and hours are exact lengths.
      {"time_cycle",
       "R2/2044-09-30T02:30:00+02:00[Europe/Berlin]/P1M",
       "2044-01-01T00:00:00",
       {"2044-09-30T00:30:00.000Z", "2044-10-30T00:30:00.000Z"},
       false},
      {"time_cycle",
       "R3/2027-03-28T01:30:00+01:00[Europe/Berlin]/PT1H",
       "2027-01-01T00:00:00",
       {"2027-03-28T00:30:00.000Z", "2027-03-28T01:30:00.000Z", "2027-03-28T02:30:00.000Z"},
       false},
      // Without a start, calendar steps count in UTC from the arming.
      {"time_cycle",
       "R2/P1M",
       "2028-01-31T10:00:00",
       {"2028-02-29T10:00:00.000Z", "2028-03-31T10:00:00.000Z"},
       false},
  };
  for (const auto& row : table) {
    SCOPED_TRACE(std::string(row.type) + " " + row.text);
    TimerDefinition def;
    ASSERT_NO_THROW(def = TimerDefinition::parse(row.type, row.text));
    const auto armed = utc(row.armed);
    std::int64_t fired = 0;
    for (const char* expected : row.firings) {
      auto due = def.due(armed, fired++);
      ASSERT_TRUE(due);
      EXPECT_EQ(iso(*due), expected);
    }
    EXPECT_EQ(def.due(armed, fired).has_value(), row.more);
  }
}

struct Refused {
  const char* type;
  const char* text;
  const char* message;  // the whole message
};

TEST(TimerDefinition, RefusesEverythingElseSayingWhatAndWhere) {
  const std::vector<Refused> table = {
      {"time_duration", "", "duration \"\": is empty; expected e.g. PT15S, PT1H30M or P14D"},
      {"time_duration", "P", "duration \"P\": has no parts; expected e.g. PT15S, PT1H30M or P14D"},
      {"time_duration", "PT", "duration \"PT\": T must be followed by hours, minutes or seconds"},
      {"time_duration", "-PT5S", "duration \"-PT5S\": must not be negative"},
      {"time_duration", "PT-5S", "duration \"PT-5S\": must not be negative"},
      {"time_duration", "15S", "duration \"15S\": must start with P, e.g. PT15S"},
      {"time_duration", "PT15", "duration \"PT15\": the number 15 has no unit"},
      {"time_duration", "PT15X",
       "duration \"PT15X\": unknown unit 'X' after T (expected H, M or S)"},
      {"time_duration", "P5H",
       "duration \"P5H\": unknown unit 'H' (expected Y, M, W or D, then T)"},
      {"time_duration", "PT5S3M", "duration \"PT5S3M\": 'M' is out of order or repeated"},
      {"time_duration", "P1DT1H1H", "duration \"P1DT1H1H\": 'H' is out of order or repeated"},
      {"time_duration", "PT1.5M", "duration \"PT1.5M\": only seconds may have a fraction"},
      {"time_duration", "PT1.S", "duration \"PT1.S\": a fraction needs digits after its point"},
      {"time_duration", "PT5S ", "duration \"PT5S \": expected a number at position 5, found ' '"},
      {"time_duration", "P99999999999999999999D",
       "duration \"P99999999999999999999D\": the number 99999999999999999999 is too large"},
      {"time_duration", "P20000Y",
       "duration \"P20000Y\": the number 20000 is too large (at most 10000Y)"},
      {"time_duration", "PTT5S", "duration \"PTT5S\": T appears twice"},
      {"time_date", "", "date-time \"\": is empty; expected e.g. 2019-10-01T12:00:00Z"},
      {"time_date", "2019-10-01T12:00:00",
       "date-time \"2019-10-01T12:00:00\": needs Z or an offset such as +02:00 after the time"},
      {"time_date", "2019-13-01T12:00:00Z",
       "date-time \"2019-13-01T12:00:00Z\": the month must be 01 to 12"},
      {"time_date", "2019-10-01T12:00:00Zjunk",
       "date-time \"2019-10-01T12:00:00Zjunk\": has text after the offset: \"junk\""},
      {"time_date", "2019-10-01T12:00:00+02:00x",
       "date-time \"2019-10-01T12:00:00+02:00x\": has text after the offset: \"x\""},
      {"time_date", "2019-10-02T08:09:40+02:00[Mars/Olympus]",
       "date-time \"2019-10-02T08:09:40+02:00[Mars/Olympus]\": unknown time zone \"Mars/Olympus\""},
      {"time_date", "2019-12-02T08:09:40+02:00[Europe/Berlin]",
       "date-time \"2019-12-02T08:09:40+02:00[Europe/Berlin]\": the offset is not Europe/Berlin's "
       "at "
       "that moment (+01:00)"},
      {"time_date", "2019-10-02T08:09:40+02:00[]",
       "date-time \"2019-10-02T08:09:40+02:00[]\": the region in brackets is empty"},
      {"time_cycle", "R0/PT5S", "time_cycle \"R0/PT5S\": the repetition count must be at least 1"},
      {"time_cycle", "R-1/PT5S",
       "time_cycle \"R-1/PT5S\": the repetition count must not be negative"},
      {"time_cycle", "Rx/PT5S",
       "time_cycle \"Rx/PT5S\": the repetition count \"x\" is not a whole number"},
      {"time_cycle", "R5", "time_cycle \"R5\": needs a duration after R…/"},
      {"time_cycle", "5/PT5S",
       "time_cycle \"5/PT5S\": must start with R, e.g. R5/PT10S, R/PT5S or "
       "R3/2026-01-01T00:00:00Z/PT1H"},
      {"time_cycle", "R/PT0S", "time_cycle \"R/PT0S\": the duration must not be zero"},
      {"time_cycle", "R/P", "duration \"P\": has no parts; expected e.g. PT15S, PT1H30M or P14D"},
      {"time_cycle", "R2/PT1H/2026-01-01T00:00:00Z",
       "time_cycle \"R2/PT1H/2026-01-01T00:00:00Z\": an end date is not supported; use "
       "R<n>/<start>/<duration>"},
      {"time_cycle", "R2/2026-01-01T00:00:00Z/PT1H/x",
       "time_cycle \"R2/2026-01-01T00:00:00Z/PT1H/x\": has more than three parts"},
      {"cron", "* * * * *", "timer_type \"cron\": expected time_date, time_duration or time_cycle"},
      {"time_date", "2027-6-01T00:00:00Z",
       "date-time \"2027-6-01T00:00:00Z\": the month must be exactly 2 digits"},
      {"time_date", "2044-03-27T02:30:00+01:00[Europe/Berlin]",
       "date-time \"2044-03-27T02:30:00+01:00[Europe/Berlin]\": that local time does not exist in "
       "Europe/Berlin: the clocks skip it (a daylight-saving gap)"},
      {"time_cycle", "R3/2027-07-01T12:00:00+02:00[Europe/Berlin]/PT1H/x",
       "time_cycle \"R3/2027-07-01T12:00:00+02:00[Europe/Berlin]/PT1H/x\": has more than three "
       "parts"},
      {"time_cycle", "R3/2027-07-01T12:00:00+01:00[Europe/Berlin]/PT1H",
       "date-time \"2027-07-01T12:00:00+01:00[Europe/Berlin]\": the offset is not Europe/Berlin's "
       "at that moment (+02:00)"},
      {"time_cycle", "R/2027-07-01T12:00:00+02:00/PT1H/P1D",
       "time_cycle \"R/2027-07-01T12:00:00+02:00/PT1H/P1D\": has more than three parts"},
  };
  for (const auto& row : table) {
    SCOPED_TRACE(std::string(row.type) + " \"" + row.text + "\"");
    try {
      TimerDefinition::parse(row.type, row.text);
      ADD_FAILURE() << "accepted";
    } catch (const TimerDefinitionError& e) {
      EXPECT_EQ(std::string(e.what()), row.message);
    }
  }
}

TEST(TimerDefinition, RefusesADueTimePast9999) {
  for (const auto& [type, text] : std::vector<std::pair<std::string, std::string>>{
           {"time_duration", "P9000Y"}, {"time_cycle", "R/P5000Y"}}) {
    SCOPED_TRACE(text);
    const auto def = TimerDefinition::parse(type, text);
    const auto armed = utc("2026-01-01T00:00:00");
    if (type == "time_cycle") {
      EXPECT_EQ(iso(*def.due(armed, 0)), "7026-01-01T00:00:00.000Z");
    }
    try {
      def.due(armed, type == "time_cycle" ? 1 : 0);
      ADD_FAILURE() << "accepted";
    } catch (const TimerDefinitionError& e) {
      EXPECT_EQ(std::string(e.what()), type + " \"" + text + "\": the due time is past 9999-12-31");
    }
    EXPECT_EQ(def.due_or_none(armed, 5), std::nullopt);
  }
  // Counts that overflow any arithmetic are past 9999 too, not undefined.
  const auto cycle = TimerDefinition::parse("time_cycle", "R/PT10000H");
  EXPECT_EQ(cycle.due_or_none(utc("2026-01-01T00:00:00"), std::int64_t{1} << 62), std::nullopt);
}

TEST(TimerDefinition, FindsTheFirstOccurrenceAfterNowBySearchNotByWalking) {
  const auto now = utc("2026-12-02T07:00:00.500");
  const auto armed = utc("2026-12-01T00:00:00");
  struct Row {
    const char* text;
    std::int64_t from, expected;
  };
  for (const auto& row : std::vector<Row>{
           // 849,510,000.5 seconds since the start: occurrence 849,510,001 is the first after now.
           {"R/2000-01-01T00:00:00Z/PT1S", 0, 849'510'001},
           {"R/2000-01-01T00:00:00Z/PT1S", 849'500'000, 849'510'001},
           {"R/2000-01-01T00:00:00Z/P1M", 0, 324},  // 2027-01-01 is occurrence 324
           {"R5/2000-01-01T00:00:00Z/PT1S", 0, 5},  // all five passed
           {"R/2030-01-01T00:00:00Z/PT1S", 0, 0},   // none passed
           {"R/PT1H", 0, 31},                       // armed 31 h ago: 31 passed (k = 0 … 30)
       }) {
    SCOPED_TRACE(row.text);
    const auto def = TimerDefinition::parse("time_cycle", row.text);
    EXPECT_EQ(def.first_not_due_by(armed, row.from, now), row.expected);
  }
}

}  // namespace
}  // namespace warden::host
