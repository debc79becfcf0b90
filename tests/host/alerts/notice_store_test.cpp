// The notices table: whole rows and outcome-only rows in one write, a notice's outcome landing on
// top of its whole row; reading many notices back by id; and listing them by channel, status and
// time, newest first, whether they have ended or not.
#include "host/alerts/notice_store.hpp"

#include "host/store/database.hpp"
#include "tests/support/test_database.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace warden::host {
namespace {

Notice whole(const std::string& id) {
  Notice n;
  n.notice_id = id;
  n.channel_name = "ops";
  n.channel = "http_callback";
  n.origin = "api";
  n.status = notice_status::sending;
  n.alert_json = R"({"title":"t"})";
  n.dedupe_key = id;
  n.attempts = 1;
  n.create_ms = n.update_ms = 1000;
  n.detail = "HTTP 503 from the vendor";
  n.http_status = 503;
  return n;
}

class NoticeStoreTest : public ::testing::TestWithParam<test::DatabaseKind> {
 protected:
  test::TestDatabase where_{GetParam()};
  Database db_{where_.uri()};
  NoticeStore store_{db_};
};

TEST_P(NoticeStoreTest, AnOutcomeInTheSameWriteLandsOnTopOfTheWholeRow) {
  Notice outcome;
  outcome.outcome_only = true;
  outcome.notice_id = "nt_1";
  outcome.status = notice_status::failed;
  outcome.attempts = 3;
  outcome.update_ms = outcome.end_ms = 2000;
  outcome.error = "not tried: channel \"ops\" is down";
  std::vector<Notice> rows{outcome, whole("nt_1"), whole("nt_2")};  // the outcome handed in first
  store_.write(rows);
  const auto n = store_.find("nt_1");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->status, "failed");
  EXPECT_EQ(n->attempts, 3);
  EXPECT_EQ(n->end_ms, 2000);
  EXPECT_EQ(n->error, "not tried: channel \"ops\" is down");
  EXPECT_EQ(n->detail, "HTTP 503 from the vendor");  // kept from the whole row
  EXPECT_EQ(n->alert_json, R"({"title":"t"})");
  EXPECT_EQ(store_.find("nt_2")->status, "sending");
}

TEST_P(NoticeStoreTest, ManyNoticesAreReadBackByIdAcrossQueries) {
  std::vector<Notice> rows;
  std::vector<std::string> ids;
  for (int i = 0; i < 1200; ++i) {  // more than one query's worth of ids
    ids.push_back("nt_" + std::to_string(i));
    rows.push_back(whole(ids.back()));
  }
  store_.write(rows);
  ids.push_back("nt_missing");
  auto found = store_.find_many(ids);
  EXPECT_EQ(found.size(), 1200u);
  EXPECT_TRUE(std::any_of(found.begin(), found.end(),
                          [](const Notice& n) { return n.notice_id == "nt_1199"; }));
  EXPECT_TRUE(store_.find_many({}).empty());
}

/// Notices made a second apart from 1,000,000 ms, alternately to channels a and b, and in turn
/// sent, created, failed and sending (so a's have ended and b's have not).
std::vector<Notice> mixed(int count) {
  static const char* statuses[] = {notice_status::sent, notice_status::created,
                                   notice_status::failed, notice_status::sending};
  std::vector<Notice> rows;
  for (int i = 0; i < count; ++i) {
    const std::int64_t ms = 1'000'000 + 1000 * i;
    Notice n = whole(make_notice_id(ms));
    n.channel_name = i % 2 ? "b" : "a";
    n.status = statuses[i % 4];
    n.create_ms = n.update_ms = ms;
    rows.push_back(n);
  }
  return rows;
}

std::vector<std::int64_t> times(const NoticePage& page) {
  std::vector<std::int64_t> out;
  for (const auto& n : page.notices) out.push_back(n.create_ms);
  return out;
}

TEST_P(NoticeStoreTest, AChannelsNoticesAreListedNewestFirstWhetherEndedOrNot) {
  auto rows = mixed(12);
  rows[4].status = notice_status::created;  // two of a's have not ended
  rows[8].status = notice_status::sending;
  store_.write(rows);
  NoticeQuery query;
  query.channel_name = "a";
  query.page_size = 4;
  auto page = store_.list(query);
  EXPECT_EQ(page.total, 6);
  EXPECT_EQ(times(page), (std::vector<std::int64_t>{1'010'000, 1'008'000, 1'006'000, 1'004'000}));
  EXPECT_EQ(page.notices[1].status, "sending");
  query.page = 2;
  page = store_.list(query);
  EXPECT_EQ(times(page), (std::vector<std::int64_t>{1'002'000, 1'000'000}));
  query.channel_name = "nobody";
  EXPECT_EQ(store_.list(query).total, 0);
}

TEST_P(NoticeStoreTest, NoticesAreListedByStatusAndByTimeRange) {
  auto rows = mixed(12);
  store_.write(rows);
  NoticeQuery query;
  query.status = notice_status::failed;
  EXPECT_EQ(times(store_.list(query)),
            (std::vector<std::int64_t>{1'010'000, 1'006'000, 1'002'000}));
  query.status = notice_status::created;
  query.channel_name = "b";
  EXPECT_EQ(times(store_.list(query)),
            (std::vector<std::int64_t>{1'009'000, 1'005'000, 1'001'000}));

  NoticeQuery range;  // inclusive at both ends
  range.since_ms = 1'003'000;
  range.until_ms = 1'006'000;
  auto page = store_.list(range);
  EXPECT_EQ(page.total, 4);
  EXPECT_EQ(times(page), (std::vector<std::int64_t>{1'006'000, 1'005'000, 1'004'000, 1'003'000}));
  range.since_ms = 1'003'001;
  range.until_ms = 1'005'999;
  range.channel_name = "a";
  EXPECT_EQ(times(store_.list(range)), (std::vector<std::int64_t>{1'004'000}));

  NoticeQuery all;
  all.page_size = 500;
  EXPECT_EQ(store_.list(all).total, 12);
  EXPECT_EQ(store_.list(all).notices.front().create_ms, 1'011'000);
}

TEST_P(NoticeStoreTest, UnfinishedNoticesAreReadOldestFirst) {
  auto rows = mixed(8);
  store_.write(rows);
  std::vector<std::int64_t> unfinished;
  for (const auto& n : store_.unfinished()) unfinished.push_back(n.create_ms);
  EXPECT_EQ(unfinished, (std::vector<std::int64_t>{1'001'000, 1'003'000, 1'005'000, 1'007'000}));
}

TEST_P(NoticeStoreTest, EndedNoticesPastTheirAgeAreRemovedOldestFirstAndTheRestKept) {
  auto rows = mixed(12);
  rows[3].status = notice_status::blocked;
  rows[3].update_ms = 1'003'000;
  rows[2].update_ms = 1'008'000;  // ended long after it was made (a late failure or a replay)
  store_.write(rows);
  // Ended and changed before 1,006,000: 0 (sent), 3 (blocked) and 4 (sent); 1 and 5 have not
  // ended, 2 changed since.
  EXPECT_EQ(store_.remove_ended(1'006'000, 2), 2u);  // at most 2, the oldest
  EXPECT_FALSE(store_.find(rows[0].notice_id));
  EXPECT_FALSE(store_.find(rows[3].notice_id));
  EXPECT_TRUE(store_.find(rows[4].notice_id));
  EXPECT_EQ(store_.remove_ended(1'006'000, 1000), 1u);
  EXPECT_EQ(store_.remove_ended(1'006'000, 1000), 0u);
  NoticeQuery all;
  all.page_size = 500;
  EXPECT_EQ(store_.list(all).total, 9);
  for (int kept : {1, 2, 5, 6}) EXPECT_TRUE(store_.find(rows[kept].notice_id)) << "notice " << kept;
}

TEST_P(NoticeStoreTest, AnOldAlertHolderStaysWhileANoticeThatReadsItsAlertStays) {
  // Two alerts, each to two channels in one millisecond: the first notice holds the alert.
  std::vector<Notice> rows;
  for (std::int64_t ms : {5'000, 6'000}) {
    Notice holder = whole(make_notice_id(ms));
    holder.status = notice_status::sent;
    holder.create_ms = holder.update_ms = ms;
    Notice other = whole(make_notice_id(ms));
    other.alert_of = holder.notice_id;
    other.create_ms = ms;
    other.status = notice_status::failed;
    other.update_ms = ms;
    rows.push_back(holder);
    rows.push_back(other);
  }
  rows[3].status = notice_status::created;  // the second alert's other notice was replayed
  rows[3].update_ms = 90'000;
  store_.write(rows);
  EXPECT_EQ(store_.remove_ended(10'000, 1000), 2u);  // the first alert's two notices
  EXPECT_FALSE(store_.find(rows[0].notice_id));
  EXPECT_FALSE(store_.find(rows[1].notice_id));
  EXPECT_TRUE(store_.find(rows[2].notice_id));
  const auto replayed = store_.find(rows[3].notice_id);
  ASSERT_TRUE(replayed);
  EXPECT_EQ(replayed->alert_json, R"({"title":"t"})");  // still read from its holder

  std::vector<Notice> ended{rows[3]};  // once it has ended and aged too, both go
  ended[0].status = notice_status::sent;
  store_.write(ended);
  EXPECT_EQ(store_.remove_ended(100'000, 1000), 2u);
}

INSTANTIATE_TEST_SUITE_P(Databases, NoticeStoreTest, testing::ValuesIn(test::database_kinds()),
                         test::database_kind_name);

}  // namespace
}  // namespace warden::host
