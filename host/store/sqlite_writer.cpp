#include "host/store/sqlite_writer.hpp"

#include <Poco/Data/SQLite/Utility.h>

#include <utility>

namespace warden::host {

SqliteWriter::SqliteWriter(Poco::Data::Session session)
    : session_(std::move(session)), db_(nullptr) {
  if (session_.connector() != "sqlite")
    throw DatabaseError("SqliteWriter needs an SQLite session, not " + session_.connector());
  db_ = Poco::Data::SQLite::Utility::dbHandle(session_);
  sqlite3_busy_timeout(db_, 5000);  // as every other connection (Database)
}

SqliteWriter::~SqliteWriter() {
  for (auto& [_, statement] : statements_) sqlite3_finalize(statement);
}

sqlite3_stmt* SqliteWriter::prepared(const std::string& sql) {
  auto found = statements_.find(sql);
  if (found != statements_.end()) return found->second;
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr) !=
      SQLITE_OK)
    throw DatabaseError("preparing \"" + sql.substr(0, 60) + "…\": " + sqlite3_errmsg(db_));
  statements_.emplace(sql, statement);
  return statement;
}

void SqliteWriter::step(sqlite3_stmt* statement, const std::string& sql) {
  const int rc = sqlite3_step(statement);
  const std::string error = rc == SQLITE_DONE || rc == SQLITE_ROW ? "" : sqlite3_errmsg(db_);
  sqlite3_reset(statement);
  sqlite3_clear_bindings(statement);
  if (!error.empty()) throw DatabaseError("\"" + sql.substr(0, 60) + "…\": " + error);
}

SqliteWriter::Transaction::Transaction(SqliteWriter& writer) : writer_(writer) {
  writer_.run("BEGIN IMMEDIATE");
}

SqliteWriter::Transaction::~Transaction() {
  if (!open_) return;
  try {
    writer_.run("ROLLBACK");
  } catch (const DatabaseError&) {
    // Nothing was written; the connection rolled back on its own when the write failed.
  }
}

void SqliteWriter::Transaction::commit() {
  writer_.run("COMMIT");
  open_ = false;
}

}  // namespace warden::host
