#pragma once

#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

namespace warden::test {

enum class DatabaseKind { sqlite, postgresql };

/// Both kinds: what a store test is instantiated with (INSTANTIATE_TEST_SUITE_P(…,
/// testing::ValuesIn(database_kinds()), database_kind_name)).
std::vector<DatabaseKind> database_kinds();
std::string database_kind_name(const testing::TestParamInfo<DatabaseKind>& info);

/// What end-to-end tests run on: PostgreSQL when WARDEN_E2E_DATABASE=postgresql, else SQLite.
DatabaseKind e2e_database_kind();

/// A database of its own for one test: an SQLite file in a temporary folder, or a fresh schema on
/// the PostgreSQL cluster scripts/test.sh starts (its URI in WARDEN_TEST_POSTGRES; without it a
/// PostgreSQL test fails and says how to start one).
class TestDatabase {
 public:
  /// An SQLite database is warden.db in `sqlite_dir` when given, else in a folder of its own.
  explicit TestDatabase(DatabaseKind kind, const std::filesystem::path& sqlite_dir = {});
  const std::string& uri() const { return uri_; }
  DatabaseKind kind() const { return kind_; }
  /// Every table's schema and rows as SQL text (sqlite3's .dump, or pg_dump of the schema);
  /// empty when the tool is missing.
  std::string dump() const;

 private:
  DatabaseKind kind_;
  TempDir dir_;
  std::string uri_;
  std::string schema_;  ///< PostgreSQL only
};

}  // namespace warden::test
