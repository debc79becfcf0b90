// The hosts table and the work lease (migration 21) on both databases, and the fence on
// PostgreSQL: who may write work when several hosts share one database.
#include "host/store/host_table.hpp"

#include "host/store/pg_writer.hpp"
#include "host/store/sql_text.hpp"
#include "host/tasks/task_store.hpp"
#include "tests/support/test_database.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

namespace warden::host {
namespace {

using namespace std::chrono_literals;

class HostTableOn : public ::testing::TestWithParam<test::DatabaseKind> {
 protected:
  test::TestDatabase database_{GetParam()};
  Database db_{database_.uri()};
  HostTable hosts_{db_};
};
INSTANTIATE_TEST_SUITE_P(Databases, HostTableOn, ::testing::ValuesIn(test::database_kinds()),
                         test::database_kind_name);

TEST_P(HostTableOn, HostsRegisterBeatAndLeaveOnTheDatabasesClock) {
  hosts_.register_host("a", "127.0.0.1:1", 11, "standby");
  hosts_.register_host("b", "", 12, "standby");
  EXPECT_TRUE(hosts_.heartbeat("a", "active"));
  hosts_.set_address("b", "127.0.0.1:2");
  const auto rows = hosts_.list();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].host_id, "a");
  EXPECT_EQ(rows[0].role, "active");
  EXPECT_EQ(rows[0].pid, 11);
  EXPECT_EQ(rows[1].address, "127.0.0.1:2");
  const auto wall = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
  EXPECT_LT(std::abs(rows[0].heartbeat_ms - wall), 60'000);  // the same machine's clock
  EXPECT_GE(rows[0].age_ms, 0);
  hosts_.remove_host("a");
  EXPECT_FALSE(hosts_.heartbeat("a", "active"));
  EXPECT_EQ(hosts_.list().size(), 1u);
}

TEST_P(HostTableOn, OneHostHoldsTheWorkLeaseUntilItExpiresOrIsReleased) {
  const auto a = hosts_.take_work("a", 60'000);
  ASSERT_TRUE(a);
  EXPECT_FALSE(hosts_.take_work("b", 60'000));  // held and live
  EXPECT_TRUE(hosts_.renew_work("a", *a, 60'000));
  EXPECT_FALSE(hosts_.renew_work("b", *a, 60'000));
  EXPECT_EQ(hosts_.work_lease().holder, "a");
  hosts_.release_work("a", *a);
  const auto b = hosts_.take_work("b", 1);  // released: taken at once
  ASSERT_TRUE(b);
  EXPECT_GT(*b, *a);
  EXPECT_FALSE(hosts_.renew_work("a", *a, 60'000));
  std::this_thread::sleep_for(20ms);  // b's 1 ms lease has expired by any clock
  const auto c = hosts_.take_work("a", 60'000);
  ASSERT_TRUE(c);
  EXPECT_GT(*c, *b);
  EXPECT_FALSE(hosts_.renew_work("b", *b, 60'000));  // the old holder finds it taken
  // A host restarted under its id takes its lease back at once, at a new epoch.
  const auto again = hosts_.take_work("a", 60'000);
  ASSERT_TRUE(again);
  EXPECT_GT(*again, *c);
  EXPECT_FALSE(hosts_.renew_work("a", *c, 60'000));
}

TEST_P(HostTableOn, OfHostsRacingForAFreeLeaseExactlyOneWins) {
  std::vector<std::future<bool>> racers;
  for (int i = 0; i < 6; ++i)
    racers.push_back(std::async(std::launch::async, [this, i] {
      return hosts_.take_work("h" + std::to_string(i), 60'000).has_value();
    }));
  int won = 0;
  for (auto& r : racers) won += r.get() ? 1 : 0;
  EXPECT_EQ(won, 1);
}

/// Host a holds the work lease for 1 ms on a PostgreSQL schema of its own, its writes fenced.
class WorkFenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto epoch = hosts.take_work("a", 1);
    ASSERT_TRUE(epoch);
    db.fence().hold("a", *epoch);
  }
  test::TestDatabase database{test::DatabaseKind::postgresql};
  Database db{database.uri()};
  HostTable hosts{db};
};

TEST_F(WorkFenceTest, AHostThatLostTheLeaseCannotWriteWork) {
  SqlTaskStore tasks(db);
  TaskRecord task;
  task.task_id = "ts_1";
  task.service = "sleep";
  tasks.write({task});  // held: written
  std::this_thread::sleep_for(20ms);
  ASSERT_TRUE(hosts.take_work("b", 60'000));
  task.task_id = "ts_2";
  try {
    tasks.write({task});
    FAIL() << "a write of a host that lost its lease went through";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("lost the work lease"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(tasks.find("ts_2"));
  // The libpq writer (the notice journal's) is fenced alike.
  PgWriter writer(db);
  try {
    PgWriter::Transaction tx(writer);
    db.fence().check(writer);
    writer.run(numbered_parameters("DELETE FROM tasks WHERE task_id = ?"), std::string("ts_1"));
    tx.commit();
    FAIL() << "the pipelined write went through";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("lost the work lease"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(tasks.find("ts_1"));
}

TEST_F(WorkFenceTest, ATakeoverWaitsForTheHoldersWriteThatPassedTheCheck) {
  std::this_thread::sleep_for(20ms);  // expired: b may take it
  auto s = db.session();
  s.begin();
  db.fence().check(s);  // a's write transaction passed the check and is still open
  auto takeover =
      std::async(std::launch::async, [&] { return hosts.take_work("b", 60'000).has_value(); });
  EXPECT_EQ(takeover.wait_for(300ms), std::future_status::timeout);  // waits for a's commit
  using namespace Poco::Data::Keywords;
  s << "INSERT INTO host_info (name, value) VALUES ('written_by', 'a')", now;
  s.commit();
  EXPECT_TRUE(takeover.get());
  EXPECT_EQ(hosts.work_lease().holder, "b");
}

}  // namespace
}  // namespace warden::host
