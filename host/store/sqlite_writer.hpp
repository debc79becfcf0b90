#pragma once

#include "host/store/database.hpp"

#include <Poco/Data/Session.h>

#include <sqlite3.h>

#include <string>
#include <type_traits>
#include <unordered_map>

namespace warden::host {

/// Writes through SQLite's own API on one connection kept for the purpose, each statement
/// prepared once. Poco Data prepares a statement again on every execution and copies every bound
/// text, which cost the busy notice journal about a sixth of its time. One writer thread only.
class SqliteWriter {
 public:
  /// `session` must be SQLite's; it is kept until the writer goes.
  explicit SqliteWriter(Poco::Data::Session session);
  ~SqliteWriter();
  SqliteWriter(const SqliteWriter&) = delete;
  SqliteWriter& operator=(const SqliteWriter&) = delete;

  /// A write transaction: committed by commit(), rolled back when left without it.
  class Transaction {
   public:
    explicit Transaction(SqliteWriter& writer);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

   private:
    SqliteWriter& writer_;
    bool open_ = true;
  };

  /// Runs `sql` once with `values` (std::string or integers) bound in order. The strings must
  /// stay alive until it returns (they are bound without a copy).
  template <class... Values>
  void run(const std::string& sql, const Values&... values) {
    sqlite3_stmt* statement = prepared(sql);
    int at = 0;
    (bind(statement, ++at, values), ...);
    step(statement, sql);
  }

  /// Runs `sql` once with the row's fields (`row.fields(visit)`) bound in order.
  template <class Row>
  void run_row(const std::string& sql, Row& row) {
    sqlite3_stmt* statement = prepared(sql);
    int at = 0;
    row.fields([&](const auto& field) { bind(statement, ++at, field); });
    step(statement, sql);
  }

 private:
  sqlite3_stmt* prepared(const std::string& sql);
  void step(sqlite3_stmt* statement, const std::string& sql);
  static void bind(sqlite3_stmt* statement, int at, const std::string& text) {
    sqlite3_bind_text(statement, at, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
  }
  template <class Integer, class = std::enable_if_t<std::is_integral_v<Integer>>>
  static void bind(sqlite3_stmt* statement, int at, Integer value) {
    sqlite3_bind_int64(statement, at, static_cast<sqlite3_int64>(value));
  }

  Poco::Data::Session session_;
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

}  // namespace warden::host
