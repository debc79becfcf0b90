#pragma once

#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace warden::test {

enum class DatabaseKind { sqlite, postgresql };

/// Both kinds: what a store test is instantiated with (INSTANTIATE_TEST_SUITE_P(…,
/// testing::ValuesIn(database_kinds()), database_kind_name)).
std::vector<DatabaseKind> database_kinds();
std::string database_kind_name(const testing::TestParamInfo<DatabaseKind>& info);

/// A database of its own for one test: an SQLite file in a temporary folder, or a fresh schema on
/// the PostgreSQL cluster scripts/test.sh starts (its URI in WARDEN_TEST_POSTGRES; without it a
/// PostgreSQL test fails and says how to start one).
class TestDatabase {
 public:
  explicit TestDatabase(DatabaseKind kind);
  const std::string& uri() const { return uri_; }
  DatabaseKind kind() const { return kind_; }

 private:
  DatabaseKind kind_;
  TempDir dir_;
  std::string uri_;
};

}  // namespace warden::test
