// The one ISO 8601 date-time reader (host/runtime/iso_time.hpp): a table of accepted and refused
// text with the exact message, and regions checked against an independent oracle: zone_table.inc,
// generated once by make_zone_table.py from Python's zoneinfo, lists for local times 1970-2100
// around every daylight-saving change (and at random) the offsets each may be written with.
#include "host/runtime/iso_time.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace warden::host {
namespace {

struct Accepted {
  const char* text;
  std::int64_t unix_ms;
};

TEST(IsoTime, ReadsStrictDateTimes) {
  const std::vector<Accepted> table = {
      {"1970-01-01T00:00:00Z", 0},
      {"2019-10-01T12:00:00Z", 1569931200000},
      {"2019-10-02T08:09:40+02:00", 1569996580000},
      {"2019-10-02T08:09:40+02:00[Europe/Berlin]", 1569996580000},
      {"2027-05-04T12:00:00.1+01:00", 1809428400100},
      {"2027-05-04T12:00:00.123456+01:00", 1809428400123},     // kept to the millisecond
      {"2027-05-04T12:00:00.123456789+01:00", 1809428400123},  // 9 digits
      {"2027-05-04T12:00:00,5Z", 1809432000500},
      {"2026-03-01T10:00:00.250-05:30", 1772379000250},
      {"2027-01-01T00:00:00+14:00", 1798711200000},
      {"2027-01-01T00:00:00-14:00", 1798812000000},
      {"2027-01-01T00:00:00-00:00", 1798761600000},
      {"2024-02-29T23:59:59Z", 1709251199000},
      {"0001-01-01T00:00:00Z", kFirstIsoMs},
      {"9999-12-31T23:59:59.999Z", kLastIsoMs},
      // Summer time past 2037 (the zone files' POSIX rule), and 30-minute daylight saving.
      {"2040-07-01T12:00:00+02:00[Europe/Berlin]", 2224749600000},
      {"2040-01-01T12:00:00+01:00[Europe/Berlin]", 2209028400000},
      {"2100-07-01T12:00:00+02:00[Europe/Berlin]", 4118119200000},
      {"2044-07-01T12:00:00-04:00[America/New_York]", 2351001600000},
      {"2044-01-15T12:00:00+11:00[Australia/Lord_Howe]", 2336432400000},
      {"2044-07-15T12:00:00+10:30[Australia/Lord_Howe]", 2352159000000},
      // A local time that occurs twice takes either of its offsets.
      {"2044-10-30T02:30:00+02:00[Europe/Berlin]", 2361400200000},
      {"2044-10-30T02:30:00+01:00[Europe/Berlin]", 2361403800000},
      {"2024-01-01T00:00:00Z[UTC]", 1704067200000},
  };
  for (const auto& row : table) {
    SCOPED_TRACE(row.text);
    try {
      EXPECT_EQ(parse_iso8601(row.text).unix_ms, row.unix_ms);
    } catch (const IsoTimeError& e) {
      ADD_FAILURE() << e.what();
    }
  }
}

TEST(IsoTime, KeepsTheOffsetAndRegionAsWritten) {
  const auto berlin = parse_iso8601("2040-07-01T12:00:00+02:00[Europe/Berlin]");
  EXPECT_EQ(berlin.offset_seconds, 7200);
  EXPECT_EQ(berlin.region, "Europe/Berlin");
  EXPECT_EQ(berlin.zone.name(), "Europe/Berlin");
  const auto india = parse_iso8601("2024-02-29T02:00:00+05:30");
  EXPECT_EQ(india.offset_seconds, 19800);
  EXPECT_EQ(india.region, "");
}

struct Refused {
  const char* text;
  const char* reason;
};

constexpr const char* kExpected =
    ", e.g. 2019-10-01T12:00:00Z or 2019-10-02T08:09:40+02:00[Europe/Berlin]";

TEST(IsoTime, RefusesEverythingElseNamingWhatIsWrong) {
  const std::string e = kExpected;
  const std::vector<std::pair<std::string, std::string>> table = {
      {"", "is empty; expected e.g. 2019-10-01T12:00:00Z"},
      {"2027-6-01T00:00:00Z", "the month must be exactly 2 digits"},
      {"T0:00:00Z", "the year must be exactly 4 digits"},
      {"00:00:00.Z", "the year must be exactly 4 digits"},
      {"2027-06-01T0:00:00Z", "the hour must be exactly 2 digits"},
      {"27-06-01T00:00:00Z", "the year must be exactly 4 digits"},
      {"20270-06-01T00:00:00Z", "the year must be exactly 4 digits"},
      {"2027-06-1T00:00:00Z", "the day must be exactly 2 digits"},
      {"2027-06-01T00:0:00Z", "the minute must be exactly 2 digits"},
      {"2027-06-01T00:00:0Z", "the second must be exactly 2 digits"},
      {"2027-06-01", "needs a time after the date: 'T', then HH:MM:SS and Z or an offset"},
      {"2027-06-01 00:00:00Z", "expected 'T' between the date and the time" + e},
      {"2027-06-01T00:00Z", "expected ':' after the minute (seconds are required)" + e},
      {"2027/06/01T00:00:00Z", "expected '-' after the year" + e},
      {"2027-06-01T00:00:00.Z", "a fraction of a second has 1 to 9 digits"},
      {"2027-06-01T00:00:00.1234567890Z", "a fraction of a second has 1 to 9 digits"},
      {"2027-06-01T00:00:00", "needs Z or an offset such as +02:00 after the time"},
      {"2027-06-01T00:00:00z", "needs Z or an offset such as +02:00 after the time"},
      {"2027-06-01T00:00:00+01:75", "the offset's minutes must be 00 to 59"},
      {"2027-06-01T00:00:00+25:00", "the offset's hours must be 00 to 14"},
      {"2027-06-01T00:00:00-99:99", "the offset's hours must be 00 to 14"},
      {"2027-06-01T00:00:00+14:01", "the offset must be within ±14:00"},
      {"2027-06-01T00:00:00+0100", "the offset needs a colon: ±HH:MM, e.g. +02:00"},
      {"2027-06-01T00:00:00+01", "expected ':' in the offset, which is written ±HH:MM" + e},
      {"2027-06-01T00:00:00+1:00", "the offset's hours must be exactly 2 digits"},
      {"2027-00-01T00:00:00Z", "the month must be 01 to 12"},
      {"2027-13-01T00:00:00Z", "the month must be 01 to 12"},
      {"2027-02-29T00:00:00Z", "day 29 does not exist in 2027-02"},
      {"2027-04-31T00:00:00Z", "day 31 does not exist in 2027-04"},
      {"2027-04-00T00:00:00Z", "day 0 does not exist in 2027-04"},
      {"2027-04-01T24:00:00Z", "the hour must be 00 to 23"},
      {"2027-04-01T23:60:00Z", "the minute must be 00 to 59"},
      {"2027-04-01T23:59:60Z", "the second must be 00 to 59 (leap seconds are not read)"},
      {"0000-01-01T00:00:00Z", "the year must be 0001 to 9999"},
      {"9999-12-31T23:00:00-05:00", "is past 9999-12-31 (UTC)"},
      {"0001-01-01T00:00:00+01:00", "is before 0001-01-01 (UTC)"},
      {"2027-06-01T00:00:00Zjunk", "has text after the offset: \"junk\""},
      {"2027-06-01T00:00:00Z ", "has text after the offset: \" \""},
      {"2027-06-01T00:00:00Z[Europe/Berlin",
       "the region must be the last thing, in brackets: [Europe/Berlin]"},
      {"2027-06-01T00:00:00Z[Europe/Berlin]x",
       "the region must be the last thing, in brackets: [Europe/Berlin]"},
      {"2027-06-01T00:00:00+02:00[]", "the region in brackets is empty"},
      {"2027-06-01T00:00:00+02:00[Mars/Olympus]", "unknown time zone \"Mars/Olympus\""},
      {"2027-06-01T00:00:00+02:00[../../../etc/passwd]",
       "unknown time zone \"../../../etc/passwd\""},
      {"2027-06-01T00:00:00+02:00[/etc/localtime]", "unknown time zone \"/etc/localtime\""},
      {"2027-06-01T00:00:00+02:00[localtime]", "unknown time zone \"localtime\""},
      {"2027-06-01T00:00:00+02:00[zone.tab]", "unknown time zone \"zone.tab\""},
      {"2027-06-01T00:00:00+02:00[Fixed/UTC+02:00:00]", "unknown time zone \"Fixed/UTC+02:00:00\""},
      {"2027-06-01T00:00:00+02:00[libc:localtime]", "unknown time zone \"libc:localtime\""},
      {"2019-12-02T08:09:40+02:00[Europe/Berlin]",
       "the offset is not Europe/Berlin's at that moment (+01:00)"},
      {"2040-07-01T12:00:00+01:00[Europe/Berlin]",
       "the offset is not Europe/Berlin's at that moment (+02:00)"},
      {"2044-10-30T02:30:00+03:00[Europe/Berlin]",
       "the offset is not Europe/Berlin's at that moment (+02:00 or +01:00)"},
      {"2044-03-27T02:30:00+01:00[Europe/Berlin]",
       "that local time does not exist in Europe/Berlin: the clocks skip it (a daylight-saving "
       "gap)"},
      {"2044-03-27T02:30:00+02:00[Europe/Berlin]",
       "that local time does not exist in Europe/Berlin: the clocks skip it (a daylight-saving "
       "gap)"},
      {"2044-03-13T02:30:00-05:00[America/New_York]",
       "that local time does not exist in America/New_York: the clocks skip it (a daylight-saving "
       "gap)"},
      {"2044-10-02T02:15:00+10:30[Australia/Lord_Howe]",
       "that local time does not exist in Australia/Lord_Howe: the clocks skip it (a "
       "daylight-saving gap)"},
  };
  for (const auto& [text, reason] : table) {
    SCOPED_TRACE(text);
    try {
      parse_iso8601(text);
      ADD_FAILURE() << "accepted";
    } catch (const IsoTimeError& error) {
      EXPECT_EQ(error.reason(), reason);
      EXPECT_EQ(std::string(error.what()), "date-time \"" + text + "\": " + reason);
    }
  }
}

struct ZoneRow {
  const char* zone;
  const char* local;    // YYYY-MM-DDTHH:MM:SS
  const char* offsets;  // the offsets it may be written with, comma-separated; none in a gap
};

const ZoneRow kZoneTable[] = {
#include "tests/host/runtime/zone_table.inc"
};

std::set<std::string> split(const std::string& list) {
  std::set<std::string> out;
  std::istringstream in(list);
  for (std::string item; std::getline(in, item, ',');) out.insert(item);
  return out;
}

TEST(IsoTime, AgreesWithPythonsZoneinfoFrom1970To2100) {
  // Every offset a zone has in the table is tried on each of its local times: the valid ones must
  // be accepted, the rest refused.
  std::map<std::string, std::set<std::string>> offsets_of_zone;
  for (const auto& row : kZoneTable)
    for (const auto& offset : split(row.offsets)) offsets_of_zone[row.zone].insert(offset);
  int accepted = 0, refused = 0;
  for (const auto& row : kZoneTable) {
    const auto valid = split(row.offsets);
    for (const auto& offset : offsets_of_zone[row.zone]) {
      const std::string text = std::string(row.local) + offset + "[" + row.zone + "]";
      bool ok = true;
      try {
        parse_iso8601(text);
      } catch (const IsoTimeError&) {
        ok = false;
      }
      EXPECT_EQ(ok, valid.contains(offset)) << text << " (zoneinfo: \"" << row.offsets << "\")";
      ++(ok ? accepted : refused);
    }
  }
  EXPECT_GT(accepted, 5000);
  EXPECT_GT(refused, 5000);
}

TEST(IsoTime, WritesUtcWithMilliseconds) {
  EXPECT_EQ(iso8601(0), "1970-01-01T00:00:00.000+00:00");
  EXPECT_EQ(iso8601(1809428400123), "2027-05-04T11:00:00.123+00:00");
  EXPECT_EQ(iso8601(kLastIsoMs), "9999-12-31T23:59:59.999+00:00");
}

}  // namespace
}  // namespace warden::host
