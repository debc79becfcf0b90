// DedupeWindows alone: which alerts become one notice, decided without I/O or a clock.
#include "host/alerts/dedupe_windows.hpp"

#include <gtest/gtest.h>

namespace warden::host {
namespace {

Notice notice(const std::string& id, const std::string& key, const std::string& channel = "c") {
  Notice n;
  n.notice_id = id;
  n.channel_name = channel;
  n.dedupe_key = key;
  return n;
}

TEST(DedupeWindows, TheFirstOpensAWindowTheRestJoinIt) {
  DedupeWindows windows;
  auto [first, joined] = windows.join_or_open(notice("a", "k"), 1'000, 1'400);
  EXPECT_FALSE(joined);
  EXPECT_EQ(first.notice_id, "a");
  EXPECT_EQ(first.next_ms, 1'400);
  for (int i = 2; i <= 5; ++i) {
    auto [open, again] = windows.join_or_open(notice("n" + std::to_string(i), "k"), 1'000 + i, 0);
    EXPECT_TRUE(again);
    EXPECT_EQ(open.notice_id, "a");
    EXPECT_EQ(open.aggregated, i);
    EXPECT_EQ(open.update_ms, 1'000 + i);
  }
  EXPECT_EQ(windows.open_count(), 1u);
}

TEST(DedupeWindows, KeysAndChannelsHaveTheirOwnWindows) {
  DedupeWindows windows;
  EXPECT_FALSE(windows.join_or_open(notice("a", "k"), 0, 10).second);
  EXPECT_FALSE(windows.join_or_open(notice("b", "other"), 0, 10).second);
  EXPECT_FALSE(windows.join_or_open(notice("c", "k", "d"), 0, 10).second);
  EXPECT_EQ(windows.open_count(), 3u);
}

TEST(DedupeWindows, ClosingHandsOverTheNoticeAndTheNextOneOpensAnew) {
  DedupeWindows windows;
  windows.join_or_open(notice("a", "k"), 0, 10);
  windows.join_or_open(notice("b", "k"), 1, 10);
  auto closed = windows.close("c", "k");
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->notice_id, "a");
  EXPECT_EQ(closed->aggregated, 2);
  EXPECT_FALSE(windows.close("c", "k"));
  auto [next, joined] = windows.join_or_open(notice("z", "k"), 20, 30);
  EXPECT_FALSE(joined);
  EXPECT_EQ(next.notice_id, "z");
}

TEST(DedupeWindows, AReopenedWindowIsJoinedLikeAnOpenOne) {
  DedupeWindows windows;
  auto stored = notice("a", "k");
  stored.aggregated = 2;
  windows.reopen(stored);
  auto [open, joined] = windows.join_or_open(notice("b", "k"), 5, 10);
  EXPECT_TRUE(joined);
  EXPECT_EQ(open.notice_id, "a");
  EXPECT_EQ(open.aggregated, 3);
}

}  // namespace
}  // namespace warden::host
