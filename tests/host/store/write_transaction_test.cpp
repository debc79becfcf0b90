#include "host/store/write_transaction.hpp"

#include "host/store/database.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <thread>

using namespace Poco::Data::Keywords;

namespace warden::host {
namespace {

struct WriteTransactionTest : ::testing::Test {
  test::TempDir dir;
  Database db{"sqlite:" + (dir.path() / "warden.db").string()};

  void SetUp() override {
    auto s = db.session();
    s << "CREATE TABLE t (v INTEGER)", now;
  }
  int rows() {
    int n = 0;
    auto s = db.session();
    s << "SELECT COUNT(*) FROM t", into(n), now;
    return n;
  }
};

TEST_F(WriteTransactionTest, HoldsTheWriteLockBeforeItsFirstWrite) {
  auto mine = db.session();
  auto other = db.session();
  other << "PRAGMA busy_timeout=0", now;
  WriteTransaction tx(mine);
  EXPECT_THROW((other << "INSERT INTO t VALUES (1)", now), Poco::Exception);
  tx.commit();
  other << "INSERT INTO t VALUES (1)", now;
  other << "PRAGMA busy_timeout=60000", now;
  EXPECT_EQ(rows(), 1);
}

TEST_F(WriteTransactionTest, AReadThenWriteIsNotFailedByAnotherConnectionsCommitInBetween) {
  // With a deferred transaction the other connection commits after the SELECT and the INSERT
  // fails at once with SQLITE_BUSY: what made POST /api/circuit_breaking/rules answer 500.
  auto mine = db.session();
  WriteTransaction tx(mine);
  int before = -1;
  mine << "SELECT COUNT(*) FROM t", into(before), now;
  std::jthread other([this] {
    auto s = db.session();
    s << "INSERT INTO t VALUES (2)", now;  // waits for the lock
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  mine << "INSERT INTO t VALUES (1)", now;
  tx.commit();
  other.join();
  EXPECT_EQ(before, 0);
  EXPECT_EQ(rows(), 2);
}

TEST_F(WriteTransactionTest, IsRolledBackWhenLeftWithoutCommit) {
  {
    auto s = db.session();
    WriteTransaction tx(s);
    s << "INSERT INTO t VALUES (1)", now;
  }
  EXPECT_EQ(rows(), 0);
  auto s = db.session();
  WriteTransaction again(s);  // the session went back to the pool with no transaction open
  s << "INSERT INTO t VALUES (1)", now;
  again.commit();
  EXPECT_EQ(rows(), 1);
}

}  // namespace
}  // namespace warden::host
