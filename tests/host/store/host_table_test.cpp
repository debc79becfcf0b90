// The hosts table, the hosts' leases, the work lease and the claims of a gone host's work
// (migrations 21 and 22) on both databases, and the fence on PostgreSQL: who may write work when
// several hosts share one database.
#include "host/store/host_table.hpp"
#include "host/queue/outbox_store.hpp"

#include "host/store/pg_writer.hpp"
#include "host/store/sql_text.hpp"
#include "host/tasks/task_store.hpp"
#include "host/timers/timer_store.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/test_database.hpp"

#include <Poco/Exception.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <chrono>
#include <future>
#include <set>
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
  hosts_.register_host("a", "127.0.0.1:1", 11, "member");
  hosts_.register_host("b", "", 12, "member");
  EXPECT_TRUE(hosts_.heartbeat("a", "coordinator"));
  hosts_.set_address("b", "127.0.0.1:2");
  const auto rows = hosts_.list();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].host_id, "a");
  EXPECT_EQ(rows[0].role, "coordinator");
  EXPECT_EQ(rows[0].pid, 11);
  EXPECT_EQ(rows[1].address, "127.0.0.1:2");
  const auto wall = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
  EXPECT_LT(std::abs(rows[0].heartbeat_ms - wall), 60'000);  // the same machine's clock
  EXPECT_GE(rows[0].age_ms, 0);
  hosts_.remove_host("a");
  EXPECT_FALSE(hosts_.heartbeat("a", "member"));
  EXPECT_EQ(hosts_.list().size(), 1u);
}

TEST_P(HostTableOn, EachHostHoldsItsOwnLeaseAndARestartFencesItsOldSelf) {
  const auto a = hosts_.take_host("a", 60'000);
  EXPECT_TRUE(hosts_.renew("a", a, 0, 60'000).host);
  const auto again = hosts_.take_host("a", 60'000);  // restarted under its id
  EXPECT_GT(again, a);
  EXPECT_FALSE(hosts_.renew("a", a, 0, 60'000).host);
  EXPECT_TRUE(hosts_.renew("a", again, 0, 60'000).host);
  const auto b = hosts_.take_host("b", 1);
  std::this_thread::sleep_for(20ms);  // b's 1 ms lease has lapsed by any clock
  EXPECT_EQ(hosts_.live_hosts(), std::vector<std::string>{"a"});
  EXPECT_EQ(hosts_.fence_lapsed_hosts(), std::vector<std::string>{"b"});
  EXPECT_TRUE(hosts_.fence_lapsed_hosts().empty());  // once
  EXPECT_FALSE(hosts_.renew("b", b, 0, 60'000).host);
}

TEST_P(HostTableOn, OneHostCoordinatesUntilItsLeasesLapseOrAreReleased) {
  const auto a_host = hosts_.take_host("a", 60'000);
  const auto a = hosts_.take_work("a", 60'000);
  ASSERT_TRUE(a);
  const auto b_host = hosts_.take_host("b", 60'000);
  EXPECT_FALSE(hosts_.take_work("b", 60'000));  // held and live
  EXPECT_TRUE(hosts_.renew("a", a_host, *a, 60'000).work);
  EXPECT_FALSE(hosts_.renew("b", b_host, *a, 60'000).work);
  EXPECT_EQ(hosts_.work_lease().holder, "a");
  hosts_.release("a", a_host, *a);
  const auto b = hosts_.take_work("b", 1);  // released: taken at once
  ASSERT_TRUE(b);
  EXPECT_GT(*b, *a);
  // b's work lease lapses, but b's own lease lives: nobody may take the work from it yet.
  std::this_thread::sleep_for(20ms);
  const auto c_host = hosts_.take_host("c", 60'000);
  EXPECT_FALSE(hosts_.take_work("c", 60'000));
  // Once b's own lease lapses too, c takes the work and fences b in the same transaction.
  hosts_.take_host("b", 1);
  std::this_thread::sleep_for(20ms);
  const auto c = hosts_.take_work("c", 60'000);
  ASSERT_TRUE(c);
  EXPECT_GT(*c, *b);
  EXPECT_TRUE(hosts_.renew("c", c_host, *c, 60'000).work);
  EXPECT_EQ(hosts_.live_hosts(), std::vector<std::string>{"c"});  // a left, b was fenced
}

TEST_P(HostTableOn, OfHostsRacingForAFreeWorkLeaseExactlyOneWins) {
  std::vector<std::future<bool>> racers;
  for (int i = 0; i < 6; ++i)
    racers.push_back(std::async(std::launch::async, [this, i] {
      return hosts_.take_work("h" + std::to_string(i), 60'000).has_value();
    }));
  int won = 0;
  for (auto& r : racers) won += r.get() ? 1 : 0;
  EXPECT_EQ(won, 1);
}

/// Host a holds its lease for 1 ms on a PostgreSQL schema of its own, its writes fenced.
class WorkFenceTest : public ::testing::Test {
 protected:
  void SetUp() override { db.fence().hold("a", hosts.take_host("a", 1)); }
  test::TestDatabase database{test::DatabaseKind::postgresql};
  Database db{database.uri()};
  HostTable hosts{db};
};

TEST_F(WorkFenceTest, AHostWhoseLeaseWasFencedCannotWriteWork) {
  SqlTaskStore tasks(db);
  TaskRecord task;
  task.task_id = "ts_1";
  task.service = "sleep";
  tasks.write({task});  // held: written
  std::this_thread::sleep_for(20ms);
  ASSERT_EQ(hosts.fence_lapsed_hosts(), std::vector<std::string>{"a"});
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

TEST_F(WorkFenceTest, AFencingWaitsForTheHostsWriteThatPassedTheCheck) {
  std::this_thread::sleep_for(20ms);  // lapsed: another host may fence it
  auto s = db.session();
  s.begin();
  db.fence().check(s);  // a's write transaction passed the check and is still open
  // A fencing that waited a second gives up (lock_timeout) and is tried again.
  auto fencing = std::async(std::launch::async, [&] {
    for (;;) {
      try {
        return hosts.fence_lapsed_hosts();
      } catch (const Poco::Exception& e) {
        if (!test::contains(e.displayText(), "lock timeout")) throw;
      }
    }
  });
  EXPECT_EQ(fencing.wait_for(300ms), std::future_status::timeout);  // waits for a's commit
  using namespace Poco::Data::Keywords;
  s << "INSERT INTO host_info (name, value) VALUES ('written_by', 'a')", now;
  s.commit();
  EXPECT_EQ(fencing.get(), std::vector<std::string>{"a"});
}

TEST_F(WorkFenceTest, EveryWorkTransactionIsEndedByTheServerIfLeftOpen) {
  auto s = db.session();
  s.begin();
  db.fence().check(s);
  std::string limit;
  using namespace Poco::Data::Keywords;
  s << "SHOW idle_in_transaction_session_timeout", into(limit), now;
  s.commit();
  EXPECT_EQ(limit, "5s");
}

TEST_F(WorkFenceTest, AWriteLeftOpenByAPausedHostIsEndedSoTheHostCanBeFenced) {
  std::this_thread::sleep_for(20ms);  // lapsed
  // a stops in the middle of a work transaction, as under SIGSTOP: its lease row locked FOR SHARE
  // by the fence, with the fence's limit. (On libpq itself: Poco's connector leaks a connection
  // the server closed.)
  std::unique_ptr<PGconn, decltype(&PQfinish)> paused(
      PQconnectdb(db.postgresql_connection().c_str()), PQfinish);
  ASSERT_EQ(PQstatus(paused.get()), CONNECTION_OK);
  for (const char* sql :
       {"BEGIN", "SET LOCAL idle_in_transaction_session_timeout = 5000",
        "SELECT 1 FROM leases WHERE name = 'host:a' AND holder = 'a' FOR SHARE"}) {
    std::unique_ptr<PGresult, decltype(&PQclear)> done(PQexec(paused.get(), sql), PQclear);
    ASSERT_NE(PQresultStatus(done.get()), PGRES_FATAL_ERROR) << PQerrorMessage(paused.get());
  }
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::string> fenced;
  while (fenced.empty() && std::chrono::steady_clock::now() - started < 60s) {
    try {
      fenced = hosts.fence_lapsed_hosts();
    } catch (const Poco::Exception& e) {
      ASSERT_TRUE(test::contains(e.displayText(), "lock timeout")) << e.displayText();
    }
  }
  EXPECT_EQ(fenced, std::vector<std::string>{"a"});
  // Not before the server ended a's transaction (5 s idle).
  EXPECT_GE(std::chrono::steady_clock::now() - started, 4s);
}

/// Hosts a, b and c share one database; a's work is claimed once a is gone.
class WorkClaims : public ::testing::TestWithParam<test::DatabaseKind> {
 protected:
  test::TestDatabase database_{GetParam()};
  Database a_{database_.uri()}, b_{database_.uri()}, c_{database_.uri()};
  HostTable hosts_{a_};

  void hold(Database& db, const std::string& id, std::int64_t ttl_ms) {
    db.fence().hold(id, hosts_.take_host(id, ttl_ms));
  }
  static TaskRecord task(int i, TaskStatus status, std::string action = "") {
    TaskRecord t;
    t.task_id = "ts_" + std::to_string(i);
    t.service = "sleep";
    t.status = status;
    t.create_ms = i;
    t.action_id = std::move(action);
    return t;
  }
};
INSTANTIATE_TEST_SUITE_P(Databases, WorkClaims, ::testing::ValuesIn(test::database_kinds()),
                         test::database_kind_name);

TEST_P(WorkClaims, AGoneHostsUnfinishedTasksAreClaimedOnceAndSharedByTheClaimers) {
  hold(a_, "a", 1);
  hold(b_, "b", 60'000);
  hold(c_, "c", 60'000);
  SqlTaskStore on_a(a_), on_b(b_), on_c(c_);
  std::vector<TaskRecord> rows;
  for (int i = 0; i < 300; ++i) rows.push_back(task(i, TaskStatus::waiting));
  rows.push_back(task(300, TaskStatus::finished));
  rows.push_back(task(301, TaskStatus::running, "ac_1"));
  on_a.write(rows);
  EXPECT_EQ(on_a.unfinished().size(), 301u);
  EXPECT_TRUE(on_b.claim(1000, true).empty()) << "a's lease still stands";
  std::this_thread::sleep_for(20ms);
  ASSERT_EQ(hosts_.fence_lapsed_hosts(), std::vector<std::string>{"a"});
  // b and c claim at once, in batches: every task once, the action's task only by whoever
  // coordinates (b here).
  auto on = [](SqlTaskStore& store, bool with_actions) {
    std::set<std::string> ids;
    for (auto batch = store.claim(50, with_actions); !batch.empty();
         batch = store.claim(50, with_actions))
      for (auto& t : batch) ids.insert(t.task_id);
    return ids;
  };
  auto by_b = std::async(std::launch::async, on, std::ref(on_b), true);
  auto by_c = std::async(std::launch::async, on, std::ref(on_c), false);
  const auto b = by_b.get(), c = by_c.get();
  EXPECT_EQ(b.size() + c.size(), 301u);
  for (const auto& id : c) EXPECT_FALSE(b.count(id)) << id << " claimed twice";
  EXPECT_TRUE(b.count("ts_301"));
  EXPECT_FALSE(c.count("ts_300")) << "a finished task is nobody's work";
  EXPECT_EQ(on_b.unfinished().size(), b.size());
  EXPECT_EQ(on_c.unfinished().size(), c.size());
}

TEST_P(WorkClaims, AGoneHostsPendingOutboxMessagesAreRelayedByAnother) {
  hold(a_, "a", 1);
  hold(b_, "b", 60'000);
  SqlTaskStore tasks_a(a_);
  OutboxStore outbox_a(a_), outbox_b(b_);
  auto t = task(1, TaskStatus::waiting);
  OutboxMessage m;
  m.id = "0190f0c4-8b7e-7a31-9d4e-2c5b8f1e6a70";
  m.topic = "mq_aaa";
  m.key = t.task_id;
  m.payload = R"({"Task":{}})";
  m.created_ms = 1;
  t.outbox = std::make_shared<const OutboxMessage>(m);
  auto sent = m;
  sent.id = "0190f0c4-8b7e-7a31-9d4e-2c5b8f1e6a71";
  tasks_a.write({t});
  outbox_a.append({sent});
  outbox_a.mark_sent({sent.id}, 2);
  EXPECT_EQ(outbox_a.due(10, 10).size(), 1u);
  EXPECT_EQ(outbox_b.claim_gone_hosts(), 0u) << "a's lease still stands";
  EXPECT_TRUE(outbox_b.due(10, 10).empty());
  std::this_thread::sleep_for(20ms);
  ASSERT_EQ(hosts_.fence_lapsed_hosts(), std::vector<std::string>{"a"});
  EXPECT_EQ(outbox_b.claim_gone_hosts(), 1u) << "the pending one only";
  const auto due = outbox_b.due(10, 10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].id, m.id);
  EXPECT_EQ(outbox_b.claim_gone_hosts(), 0u);
}

TEST_P(WorkClaims, AHostThatComesBackUnderItsIdKeepsWhatWasNotClaimed) {
  hold(a_, "a", 1);
  hold(b_, "b", 60'000);
  SqlTaskStore on_a(a_), on_b(b_);
  on_a.write({task(1, TaskStatus::waiting), task(2, TaskStatus::waiting)});
  std::this_thread::sleep_for(20ms);
  hosts_.fence_lapsed_hosts();
  EXPECT_EQ(on_b.claim(1, true).size(), 1u);
  hold(a_, "a", 60'000);  // a restarted
  EXPECT_TRUE(on_b.claim(10, true).empty());
  EXPECT_EQ(on_a.unfinished().size(), 1u);
}

TEST_P(WorkClaims, TimerEventsGoWithTheirTaskAndSchedulesToTheCoordinator) {
  hold(a_, "a", 1);
  hold(b_, "b", 60'000);
  hold(c_, "c", 60'000);
  SqlTaskStore tasks_a(a_), tasks_c(c_);
  SqlTimerStore on_a(a_), on_b(b_), on_c(c_);
  tasks_a.write({task(1, TaskStatus::waiting), task(2, TaskStatus::waiting)});
  std::vector<TimerRecord> timers(3);
  timers[0].kind = TimerKind::event, timers[0].id = "te_1", timers[0].node_id = "ts_1";
  timers[1].kind = TimerKind::event, timers[1].id = "te_2", timers[1].node_id = "ts_2";
  timers[2].kind = TimerKind::schedule, timers[2].id = "nightly";
  on_a.write(timers);
  std::this_thread::sleep_for(20ms);
  hosts_.fence_lapsed_hosts();
  ASSERT_EQ(tasks_c.claim(1, false).size(), 1u);  // c took ts_1, and its event with it
  const auto moved = on_c.events_of({"ts_1", "ts_2"});
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_EQ(moved[0].id, "te_1");
  // b takes ts_2's event (its task is still a's) and the schedule.
  std::set<std::string> by_b;
  for (auto& t : on_b.claim(10, true)) by_b.insert(t.id);
  EXPECT_EQ(by_b, (std::set<std::string>{"te_2", "nightly"}));
  EXPECT_TRUE(on_c.claim(10, false).empty());
  // Event numbers are handed out in blocks no two hosts share.
  const auto first = on_b.reserve_event_ids(100), second = on_c.reserve_event_ids(100);
  EXPECT_GE(second, first + 100);
}
}  // namespace
}  // namespace warden::host
