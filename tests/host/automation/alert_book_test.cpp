// The open alert records in memory: one record per fingerprint however many threads observe it at
// once, closing by id, closing recovered records once they have been recovered long enough, and
// starting from the records a store held.
#include "host/automation/alert_book.hpp"

#include <gtest/gtest.h>

#include <set>
#include <thread>

namespace warden::host {
namespace {

Alert alert_with(const std::string& fingerprint, const std::string& status) {
  Alert a;
  a.id = fingerprint;
  a.title = fingerprint + " " + status;
  a.status = status;
  return a;
}

TEST(AlertBook, EightThreadsObservingOneFingerprintMakeOneRecord) {
  AlertBook book;
  constexpr int kThreads = 8, kEach = 200;
  std::vector<std::thread> threads;
  std::vector<std::vector<Observation>> seen(kThreads);
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&book, &seen, t] {
      for (int i = 0; i < kEach; ++i)
        seen[t].push_back(book.observe(alert_with("fp", "firing"), "api", 1000 + i));
    });
  for (auto& thread : threads) thread.join();

  EXPECT_EQ(book.size(), 1u);
  std::set<std::string> ids;
  std::set<std::int64_t> counts;
  int created = 0, fired = 0;
  for (const auto& list : seen)
    for (const auto& o : list) {
      ids.insert(o.record.id);
      counts.insert(o.record.count);
      created += o.created;
      fired += o.fired.has_value();
    }
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_EQ(created, 1);
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(counts.size(), static_cast<std::size_t>(kThreads * kEach));  // each count once
  const auto record = book.find_open(*ids.begin());
  ASSERT_TRUE(record);
  EXPECT_EQ(record->count, kThreads * kEach);
  EXPECT_EQ(record->id.rfind("al_", 0), 0u);
  EXPECT_EQ(record->id.size(), 3u + 36u);  // al_ + a UUID
}

TEST(AlertBook, FingerprintsHaveTheirOwnRecords) {
  AlertBook book;
  const auto a = book.observe(alert_with("a", "firing"), "api", 1000);
  const auto b = book.observe(alert_with("b", "firing"), "api", 1000);
  EXPECT_NE(a.record.id, b.record.id);
  EXPECT_EQ(book.size(), 2u);
  const auto a2 = book.observe(alert_with("a", "resolved"), "api", 2000);
  EXPECT_EQ(a2.record.id, a.record.id);
  EXPECT_EQ(a2.fired, Signal::recovered);
  EXPECT_EQ(book.find_open(b.record.id)->state, "abnormal");
}

TEST(AlertBook, CloseRemovesTheOpenRecordAndANewAlertStartsAnother) {
  AlertBook book;
  const auto a = book.observe(alert_with("a", "firing"), "api", 1000);
  const auto closed = book.close(a.record.id, 3000, "alice", "handled");
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->fired, Signal::closed);
  EXPECT_EQ(closed->record.state, "closed");
  EXPECT_EQ(closed->record.closed_by, "alice");
  EXPECT_EQ(closed->record.close_reason, "handled");
  EXPECT_EQ(closed->record.closed_ms, 3000);
  EXPECT_EQ(book.size(), 0u);
  EXPECT_FALSE(book.find_open(a.record.id));
  EXPECT_FALSE(book.close(a.record.id, 4000, "", ""));  // already closed
  EXPECT_FALSE(book.close("al_unknown", 4000, "", ""));

  const auto again = book.observe(alert_with("a", "firing"), "api", 5000);
  EXPECT_TRUE(again.created);
  EXPECT_NE(again.record.id, a.record.id);
  EXPECT_EQ(again.record.count, 1);
}

TEST(AlertBook, RecoveredRecordsCloseOnceRecoveredLongEnough) {
  AlertBook book;
  const auto early = book.observe(alert_with("early", "firing"), "api", 0);
  book.observe(alert_with("early", "resolved"), "api", 1000);
  const auto late = book.observe(alert_with("late", "resolved"), "api", 5000);
  const auto firing = book.observe(alert_with("firing", "firing"), "api", 0);

  EXPECT_TRUE(book.close_recovered_before(10'999, 10'000).empty());
  const auto closed = book.close_recovered_before(11'000, 10'000);
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].record.id, early.record.id);
  EXPECT_EQ(closed[0].fired, Signal::closed);
  EXPECT_EQ(closed[0].record.closed_ms, 11'000);
  EXPECT_EQ(closed[0].record.closed_by, "warden");
  EXPECT_FALSE(closed[0].record.close_reason.empty());
  EXPECT_FALSE(book.find_open(early.record.id));
  EXPECT_TRUE(book.find_open(late.record.id));

  // A recovered record that fires again is not closed.
  book.observe(alert_with("late", "firing"), "api", 6000);
  EXPECT_TRUE(book.close_recovered_before(1'000'000, 10'000).empty());
  EXPECT_TRUE(book.find_open(firing.record.id));
  EXPECT_EQ(book.size(), 2u);
}

TEST(AlertBook, StartsFromTheOpenRecordsItIsGiven) {
  AlertRecord open;
  open.id = "al_stored";
  open.fingerprint = "fp";
  open.state = "abnormal";
  open.count = 7;
  open.first_ms = open.last_ms = 100;
  AlertRecord closed = open;
  closed.id = "al_closed";
  closed.fingerprint = "other";
  closed.state = "closed";
  AlertBook book;
  book.load({open, closed});
  EXPECT_EQ(book.size(), 1u);
  EXPECT_FALSE(book.find_open("al_closed"));
  const auto o = book.observe(alert_with("fp", "firing"), "api", 200);
  EXPECT_FALSE(o.created);
  EXPECT_EQ(o.record.id, "al_stored");
  EXPECT_EQ(o.record.count, 8);
}

TEST(AlertBook, OfTwoStoredOpenRecordsOfOneFingerprintTheLatestWins) {
  AlertRecord older;
  older.id = "al_older";
  older.fingerprint = "fp";
  older.state = "abnormal";
  older.last_ms = 100;
  AlertRecord newer = older;
  newer.id = "al_newer";
  newer.last_ms = 200;
  for (const auto& order : {std::vector{older, newer}, std::vector{newer, older}}) {
    AlertBook book;
    book.load(order);
    EXPECT_EQ(book.size(), 1u);
    EXPECT_TRUE(book.find_open("al_newer"));
    EXPECT_FALSE(book.find_open("al_older"));
    EXPECT_FALSE(book.close("al_older", 300, "", ""));
  }
}

}  // namespace
}  // namespace warden::host
