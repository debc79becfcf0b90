// The repeat plan of a notice action: pure, time passed in.
#include "host/automation/kinds/notice_plan.hpp"

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

namespace warden::host {
namespace {

NoticePlan plan(const std::string& params) {
  return notice_plan_from(*Poco::JSON::Parser().parse(params).extract<Poco::JSON::Object::Ptr>());
}

TEST(NoticePlan, OnceByDefaultAndNothingFollows) {
  const auto p = plan("{}");
  EXPECT_EQ(p.mode, NoticePlan::Mode::once);
  EXPECT_EQ(p.max_times, 1);
  EXPECT_EQ(p.group_wait_ms, 0);
  EXPECT_EQ(next_repeat_ms(p, 1, 1'000), 0);
}

TEST(NoticePlan, ReadsEveryField) {
  const auto p = plan(R"({"channels": ["a"], "mode": "incremental", "interval": 60,
      "max_times": 7, "multiplier": 1.5, "max_interval": 600, "group_by": ["cluster", "env"],
      "group_wait": 30})");
  EXPECT_EQ(p.mode, NoticePlan::Mode::incremental);
  EXPECT_EQ(p.interval_ms, 60'000);
  EXPECT_EQ(p.max_times, 7);
  EXPECT_DOUBLE_EQ(p.multiplier, 1.5);
  EXPECT_EQ(p.max_interval_ms, 600'000);
  EXPECT_EQ(p.group_by, (std::vector<std::string>{"cluster", "env"}));
  EXPECT_EQ(p.group_wait_ms, 30'000);
}

TEST(NoticePlan, RepeatingModesDefaultToTenTimesAndMultiplierTwo) {
  EXPECT_EQ(plan(R"({"mode": "interval", "interval": 5})").max_times, 10);
  const auto p = plan(R"({"mode": "incremental", "interval": 5})");
  EXPECT_EQ(p.max_times, 10);
  EXPECT_DOUBLE_EQ(p.multiplier, 2);
}

TEST(NoticePlan, IntervalRepeatsEveryIntervalUntilMaxTimesWereSent) {
  const auto p = plan(R"({"mode": "interval", "interval": 300, "max_times": 3})");
  EXPECT_EQ(next_repeat_ms(p, 1, 10'000), 310'000);
  EXPECT_EQ(next_repeat_ms(p, 2, 310'000), 610'000);
  EXPECT_EQ(next_repeat_ms(p, 3, 610'000), 0) << "three were sent: the last one";
  EXPECT_EQ(next_repeat_ms(p, 0, 0), 0) << "nothing sent yet: nothing to repeat";
}

TEST(NoticePlan, IncrementalMultipliesTheWaitUpToItsCap) {
  const auto p = plan(R"({"mode": "incremental", "interval": 60, "multiplier": 2,
      "max_interval": 300, "max_times": 10})");
  EXPECT_EQ(next_repeat_ms(p, 1, 0), 60'000);
  EXPECT_EQ(next_repeat_ms(p, 2, 0), 120'000);
  EXPECT_EQ(next_repeat_ms(p, 3, 0), 240'000);
  EXPECT_EQ(next_repeat_ms(p, 4, 0), 300'000) << "480 s capped at max_interval";
  EXPECT_EQ(next_repeat_ms(p, 9, 1'000), 301'000);
  EXPECT_EQ(next_repeat_ms(p, 10, 0), 0);
}

TEST(NoticePlan, AHugeGrowthStaysWithinAYearWithoutOverflow) {
  const auto p = plan(R"({"mode": "incremental", "interval": 86400, "multiplier": 100,
      "max_times": 10000})");
  const auto next = next_repeat_ms(p, 9'000, 5);
  EXPECT_GT(next, 5);
  EXPECT_LE(next, 5 + 366LL * 24 * 3600 * 1000);
}

TEST(NoticePlan, UnreadableStoredFieldsTakeTheirDefaults) {
  const auto p = plan(R"({"mode": 3, "interval": "x", "max_times": -1, "multiplier": 0.5,
      "group_by": [1, "env"], "group_wait": 1e300})");
  EXPECT_EQ(p.mode, NoticePlan::Mode::once);
  EXPECT_EQ(p.interval_ms, 0);
  EXPECT_EQ(p.max_times, 1);
  EXPECT_DOUBLE_EQ(p.multiplier, 2);
  EXPECT_EQ(p.group_by, std::vector<std::string>{"env"});
  EXPECT_EQ(p.group_wait_ms, 0);
}

}  // namespace
}  // namespace warden::host
