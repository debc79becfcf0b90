// ChannelGates alone: what a down channel instance lets through, decided without I/O or a clock.
#include "host/alerts/channel_gate.hpp"

#include <gtest/gtest.h>

namespace warden::host {
namespace {

using Change = ChannelGates::AfterAttempt::Change;
using Action = ChannelGates::Probe::Action;

Notice notice(const std::string& id, Poco::Int64 attempts = 0, const std::string& channel = "c") {
  Notice n;
  n.notice_id = id;
  n.channel_name = channel;
  n.status = notice_status::sending;
  n.attempts = attempts;
  n.update_ms = 100;
  return n;
}

/// kDownAfter transport failures in a row on "c": the last one says it went down.
void take_down(ChannelGates& gates, const std::string& channel = "c") {
  for (int i = 1; i < ChannelGates::kDownAfter; ++i)
    EXPECT_EQ(gates.after_attempt(channel, true, "refused", false, 1'000).change, Change::none);
  EXPECT_EQ(gates.after_attempt(channel, true, "refused", false, 1'000).change, Change::went_down);
}

TEST(ChannelGates, AnUpChannelParksNothing) {
  ChannelGates gates;
  bool probe = false;
  EXPECT_FALSE(gates.park_if_down(notice("a"), probe, 5));
  EXPECT_FALSE(probe);
  EXPECT_EQ(gates.after_attempt("c", true, "refused", false, 1'000).change, Change::none);
  EXPECT_FALSE(gates.park_if_down(notice("a"), probe, 5));
}

TEST(ChannelGates, AnAnswerBetweenFailuresKeepsItUp) {
  ChannelGates gates;
  for (int round = 0; round < 5; ++round) {
    for (int i = 1; i < ChannelGates::kDownAfter; ++i)
      EXPECT_EQ(gates.after_attempt("c", true, "reset", false, 1'000).change, Change::none);
    EXPECT_EQ(gates.after_attempt("c", false, "HTTP 500", false, 1'000).change, Change::none);
  }
}

TEST(ChannelGates, ADownChannelParksItsNoticesAndOnlyItsOwn) {
  ChannelGates gates;
  take_down(gates);
  bool probe = false;
  EXPECT_TRUE(gates.park_if_down(notice("a"), probe, 5));
  EXPECT_TRUE(gates.park_if_down(notice("b"), probe, 5));
  EXPECT_FALSE(gates.park_if_down(notice("x", 0, "other"), probe, 5));
  EXPECT_EQ(gates.all_parked().size(), 2u);
}

TEST(ChannelGates, AProbeTriesTheOldestParkedNotice) {
  ChannelGates gates;
  take_down(gates);
  bool probe = false;
  gates.park_if_down(notice("b"), probe, 5);
  gates.park_if_down(notice("a"), probe, 5);
  auto due = gates.probe_due("c", true);
  EXPECT_EQ(due.action, Action::try_one);
  ASSERT_EQ(due.taken.size(), 1u);
  EXPECT_EQ(due.taken[0].first, "a");  // ids are made in time order
  // The probe itself goes through when it is tried.
  bool as_probe = true;
  EXPECT_FALSE(gates.park_if_down(notice("a"), as_probe, 5));
}

TEST(ChannelGates, WithNothingParkedTheNextNoticeIsTheProbe) {
  ChannelGates gates;
  take_down(gates);
  EXPECT_EQ(gates.probe_due("c", true).action, Action::let_next_through);
  bool probe = false;
  EXPECT_FALSE(gates.park_if_down(notice("a"), probe, 5));
  EXPECT_TRUE(probe);
  probe = false;
  EXPECT_TRUE(gates.park_if_down(notice("b"), probe, 5));  // the one after waits again
}

TEST(ChannelGates, AFailedProbeChargesEveryParkedNoticeAndEndsThoseOutOfAttempts) {
  ChannelGates gates;
  take_down(gates);
  bool probe = false;
  gates.park_if_down(notice("a", 4), probe, 5);  // one attempt left
  gates.park_if_down(notice("b", 1), probe, 5);  // four left
  auto after = gates.after_attempt("c", true, "refused again", true, 2'000);
  EXPECT_EQ(after.change, Change::probe_failed);
  EXPECT_EQ(after.probes_failed, 1);
  ASSERT_EQ(after.ended.size(), 1u);
  EXPECT_EQ(after.ended[0].first, "a");
  EXPECT_EQ(after.ended[0].second.attempts, 5);
  EXPECT_EQ(after.waiting, 1u);
  const auto row = after.ended[0].second.outcome_row("a", true);
  EXPECT_EQ(row.status, "failed");
  EXPECT_EQ(row.end_ms, 2'000);
  EXPECT_TRUE(row.outcome_only);
  EXPECT_NE(row.error.find("refused again"), std::string::npos) << row.error;

  // The one still parked reads as charged, without anything stored.
  Notice b = notice("b", 1);
  gates.overlay(b);
  EXPECT_EQ(b.attempts, 2);
  EXPECT_EQ(b.update_ms, 2'000);
  EXPECT_NE(b.error.find("is down"), std::string::npos) << b.error;
  EXPECT_EQ(gates.probes_failed("c"), 1);
}

TEST(ChannelGates, AnAnswerReleasesEveryParkedNoticeWithItsCharges) {
  ChannelGates gates;
  take_down(gates);
  bool probe = false;
  gates.park_if_down(notice("a", 0), probe, 10);
  gates.park_if_down(notice("b", 0), probe, 10);
  gates.after_attempt("c", true, "refused", true, 2'000);
  gates.after_attempt("c", true, "refused", true, 3'000);
  auto after = gates.after_attempt("c", false, "", false, 4'000);
  EXPECT_EQ(after.change, Change::came_up);
  ASSERT_EQ(after.released.size(), 2u);
  EXPECT_EQ(after.released[0].second.attempts, 2);
  EXPECT_EQ(after.released[0].second.update_ms, 3'000);
  EXPECT_EQ(gates.probes_failed("c"), 0);
  EXPECT_FALSE(gates.park_if_down(notice("c"), probe, 10));
  EXPECT_TRUE(gates.all_parked().empty());
}

TEST(ChannelGates, AFailureThatIsNotTheProbeChargesNothing) {
  ChannelGates gates;
  take_down(gates);
  bool probe = false;
  gates.park_if_down(notice("a", 0), probe, 2);
  EXPECT_EQ(gates.after_attempt("c", true, "refused", false, 2'000).change, Change::none);
  EXPECT_EQ(gates.all_parked()[0].second.attempts, 0);
}

TEST(ChannelGates, AGoneChannelsProbeHandsBackEveryParkedNotice) {
  ChannelGates gates;
  take_down(gates);
  bool probe = false;
  gates.park_if_down(notice("a"), probe, 5);
  gates.park_if_down(notice("b"), probe, 5);
  auto due = gates.probe_due("c", false);
  EXPECT_EQ(due.action, Action::fail_all);
  EXPECT_EQ(due.taken.size(), 2u);
  EXPECT_EQ(gates.probe_due("c", false).action, Action::none);  // forgotten
}

TEST(ChannelGates, AProbeOfAnUpChannelDoesNothing) {
  ChannelGates gates;
  EXPECT_EQ(gates.probe_due("c", true).action, Action::none);
}

}  // namespace
}  // namespace warden::host
