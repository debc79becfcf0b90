// Group commit: rows handed in together go into one transaction and their caller hears once,
// after it; a row changed twice before a commit is written once, as last changed; rows handed in
// after stop() are reported not stored.
#include "host/runtime/group_commit.hpp"

#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace warden::host {
namespace {

using Row = std::pair<std::string, int>;  // key, value

/// What the journal wrote, commit by commit; `hold` keeps the writer inside its first commit.
struct Store {
  std::mutex mutex;
  std::vector<std::vector<Row>> commits;
  std::shared_future<void> hold;
  std::promise<void> entered;  // set when the writer is inside its first commit
  bool told = false;

  GroupCommit<Row>::Write writer() {
    return [this](std::vector<Row>& rows) {
      if (!std::exchange(told, true)) entered.set_value();
      if (hold.valid()) hold.wait();
      std::lock_guard lock(mutex);
      commits.push_back(rows);
    };
  }
  std::vector<std::vector<Row>> written() {
    std::lock_guard lock(mutex);
    return commits;
  }
};

GroupCommit<Row>::KeyOf by_key() {
  return [](const Row& r) { return r.first; };
}

TEST(GroupCommit, RowsHandedInTogetherShareOneCommitAndOneAnswerAfterIt) {
  Store store;
  GroupCommit<Row> journal("test", store.writer(), by_key());
  std::promise<std::size_t> answered;
  int answers = 0;
  journal.submit_all({{"a", 1}, {"b", 2}, {"c", 3}}, [&](bool ok) {
    EXPECT_TRUE(ok);
    ++answers;
    answered.set_value(store.written().size());  // the commit is done by now
  });
  EXPECT_EQ(answered.get_future().get(), 1u);
  journal.flush();
  EXPECT_EQ(answers, 1);
  const auto commits = store.written();
  ASSERT_EQ(commits.size(), 1u);
  EXPECT_EQ(commits[0], (std::vector<Row>{{"a", 1}, {"b", 2}, {"c", 3}}));
}

TEST(GroupCommit, ARowChangedTwiceBeforeItsCommitIsWrittenOnceAsLastChanged) {
  Store store;
  std::promise<void> release;
  store.hold = release.get_future().share();
  GroupCommit<Row> journal("test", store.writer(), by_key());
  journal.submit({"first", 0});  // the writer holds this commit open
  store.entered.get_future().wait();
  journal.submit({"k", 1});
  journal.submit_all({{"k", 2}, {"other", 5}});
  journal.submit({"k", 3});
  release.set_value();
  journal.flush();
  const auto commits = store.written();
  ASSERT_EQ(commits.size(), 2u);
  EXPECT_EQ(commits[1], (std::vector<Row>{{"k", 3}, {"other", 5}}));
}

TEST(GroupCommit, ARowReplacedInABatchKeepsWhatCarrySays) {
  // The task journal's use: a task's outbox message must not be lost to a later change of the
  // task within the same batch. Here a value above 100 is such a message, carried over.
  Store store;
  std::promise<void> release;
  store.hold = release.get_future().share();
  GroupCommit<Row> journal("test", store.writer(), by_key(), [](Row& newer, Row& older) {
    if (older.second > 100 && newer.second < 100) newer.second += older.second;
  });
  journal.submit({"first", 0});
  store.entered.get_future().wait();
  journal.submit({"k", 500});
  journal.submit({"k", 2});
  journal.submit({"k", 3});
  release.set_value();
  journal.flush();
  const auto commits = store.written();
  ASSERT_EQ(commits.size(), 2u);
  EXPECT_EQ(commits[1], (std::vector<Row>{{"k", 505}}));
}

TEST(GroupCommit, RowsHandedInAfterStopAreReportedNotStored) {
  Store store;
  GroupCommit<Row> journal("test", store.writer(), by_key());
  journal.stop();
  bool stored = true;
  journal.submit_all({{"late", 1}, {"later", 2}}, [&](bool ok) { stored = ok; });
  EXPECT_FALSE(stored);
  bool empty_answered = false;
  journal.submit_all({}, [&](bool ok) { empty_answered = ok; });
  EXPECT_TRUE(empty_answered);  // nothing to store is stored at once
  EXPECT_TRUE(store.written().empty());
}

}  // namespace
}  // namespace warden::host
