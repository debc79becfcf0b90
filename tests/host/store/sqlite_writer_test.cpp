// The SQLite writer: rows and values land as bound (texts with quotes, NUL-free bytes, large
// integers), a transaction left without commit() writes nothing, and a failing statement says
// which one and why.
#include "host/store/sqlite_writer.hpp"

#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace warden::host {
namespace {

using namespace Poco::Data::Keywords;

struct Pair {
  std::string name;
  Poco::Int64 value = 0;
  template <class Visit>
  void fields(Visit&& visit) {
    visit(name), visit(value);
  }
};

class SqliteWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = db_.session();
    s << "CREATE TABLE pairs (name TEXT PRIMARY KEY, value BIGINT NOT NULL)", now;
  }
  int count() {
    int n = 0;
    auto s = db_.session();
    s << "SELECT COUNT(*) FROM pairs", into(n), now;
    return n;
  }

  test::TempDir dir_;
  Database db_{"sqlite:" + (dir_.path() / "w.db").string()};
};

TEST_F(SqliteWriterTest, WritesRowsAndValuesAsBound) {
  SqliteWriter writer(db_.session());
  {
    SqliteWriter::Transaction tx(writer);
    Pair a{"it's \"quoted\"", 9'007'199'254'740'993};
    writer.run_row("INSERT INTO pairs (name, value) VALUES (?, ?)", a);
    writer.run("INSERT INTO pairs (name, value) VALUES (?, ?)", std::string("b"), 2);
    writer.run("UPDATE pairs SET value = ? WHERE name = ?", 3, std::string("b"));
    tx.commit();
  }
  std::string name;
  Poco::Int64 value = 0;
  auto s = db_.session();
  s << "SELECT name, value FROM pairs WHERE value > 100", into(name), into(value), now;
  EXPECT_EQ(name, "it's \"quoted\"");
  EXPECT_EQ(value, 9'007'199'254'740'993);
  s << "SELECT value FROM pairs WHERE name = 'b'", into(value), now;
  EXPECT_EQ(value, 3);
}

TEST_F(SqliteWriterTest, ATransactionLeftWithoutCommitWritesNothing) {
  SqliteWriter writer(db_.session());
  try {
    SqliteWriter::Transaction tx(writer);
    writer.run("INSERT INTO pairs (name, value) VALUES (?, ?)", std::string("a"), 1);
    writer.run("INSERT INTO pairs (name, value) VALUES (?, ?)", std::string("a"), 2);  // taken
    tx.commit();
    FAIL() << "a duplicate key was written";
  } catch (const DatabaseError& e) {
    EXPECT_NE(std::string(e.what()).find("INSERT INTO pairs"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("UNIQUE constraint failed"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(count(), 0);
  // The writer is still usable afterwards.
  SqliteWriter::Transaction tx(writer);
  writer.run("INSERT INTO pairs (name, value) VALUES (?, ?)", std::string("a"), 1);
  tx.commit();
  EXPECT_EQ(count(), 1);
}

TEST_F(SqliteWriterTest, AStatementThatCannotBePreparedIsNamed) {
  SqliteWriter writer(db_.session());
  try {
    writer.run("INSERT INTO nowhere (x) VALUES (?)", 1);
    FAIL() << "no error";
  } catch (const DatabaseError& e) {
    EXPECT_NE(std::string(e.what()).find("no such table: nowhere"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace warden::host
