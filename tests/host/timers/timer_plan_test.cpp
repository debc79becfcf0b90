#include "host/timers/timer_plan.hpp"

#include "host/runtime/iso_time.hpp"

#include <gtest/gtest.h>

namespace warden::host {
namespace {

std::vector<std::string> upcoming(TimerType type, const std::string& defined, std::int64_t now_ms,
                                  int count, const std::string& zone = "") {
  std::vector<std::string> out;
  for (auto ms : TimerPlan::parse(type, defined, zone).upcoming(now_ms, count))
    out.push_back(iso8601_utc_seconds(ms));
  return out;
}

const std::int64_t kNow = parse_iso8601("2026-03-28T10:00:00Z").unix_ms;

TEST(TimerPlan, UpcomingDueTimesFromNow) {
  EXPECT_EQ(upcoming(TimerType::time_duration, "PT90S", kNow, 5),
            (std::vector<std::string>{"2026-03-28T10:01:30Z"}));
  EXPECT_EQ(upcoming(TimerType::time_cycle, "R3/PT1H", kNow, 5),
            (std::vector<std::string>{"2026-03-28T11:00:00Z", "2026-03-28T12:00:00Z",
                                      "2026-03-28T13:00:00Z"}));
  // A cycle started in the past goes on from its next occurrence.
  EXPECT_EQ(upcoming(TimerType::time_cycle, "R/2000-01-01T00:00:00Z/PT1S", kNow, 2),
            (std::vector<std::string>{"2026-03-28T10:00:01Z", "2026-03-28T10:00:02Z"}));
  EXPECT_TRUE(upcoming(TimerType::time_date, "2001-01-01T00:00:00Z", kNow, 5).empty());
  EXPECT_EQ(upcoming(TimerType::time_date, "2030-01-01T00:00:00+01:00", kNow, 5),
            (std::vector<std::string>{"2029-12-31T23:00:00Z"}));
  // Daily at 02:30 in Berlin: the night the clocks skip 02:00-03:00 fires when the gap ends.
  EXPECT_EQ(upcoming(TimerType::cron, "30 2 * * *", kNow, 3, "Europe/Berlin"),
            (std::vector<std::string>{"2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z",
                                      "2026-03-31T00:30:00Z"}));
}

}  // namespace
}  // namespace warden::host
