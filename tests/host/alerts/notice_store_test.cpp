// The notices table: whole rows and outcome-only rows in one write, a notice's outcome landing on
// top of its whole row; and reading many notices back by id.
#include "host/alerts/notice_store.hpp"

#include "host/store/database.hpp"
#include "tests/support/temp_dir.hpp"

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

class NoticeStoreTest : public ::testing::Test {
 protected:
  test::TempDir dir_;
  Database db_{"sqlite:" + (dir_.path() / "n.db").string()};
  NoticeStore store_{db_};
};

TEST_F(NoticeStoreTest, AnOutcomeInTheSameWriteLandsOnTopOfTheWholeRow) {
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

TEST_F(NoticeStoreTest, ManyNoticesAreReadBackByIdAcrossQueries) {
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

}  // namespace
}  // namespace warden::host
