#include "host/store/database.hpp"
#include "host/store/migrations.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_database.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace warden::host {
namespace {

TEST(Database, CreatesTheFileAndItsFolderAndMigratesOnce) {
  test::TempDir dir;
  auto uri = "sqlite:" + (dir.path() / "var/nested/warden.db").string();
  {
    Database db(uri);
    EXPECT_EQ(db.schema_version(), all_migrations().back().version);
  }
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "var/nested/warden.db"));
  Database again(uri);  // re-opening applies nothing twice
  int rows = 0;
  auto s = again.session();
  using namespace Poco::Data::Keywords;
  s << "SELECT COUNT(*) FROM schema_migrations", into(rows), now;
  EXPECT_EQ(rows, static_cast<int>(all_migrations().size()));
}

TEST(Database, AppliesAMigrationNumberedBelowTheHighestAppliedOne) {
  // A database migrated by a build that lacked migration 5 (added to the list later, below
  // versions already applied) still gets it.
  test::TempDir dir;
  auto uri = "sqlite:" + (dir.path() / "warden.db").string();
  using namespace Poco::Data::Keywords;
  {
    Database db(uri);
    auto s = db.session();
    s << "DELETE FROM schema_migrations WHERE version = 5", now;
    s << "ALTER TABLE timers DROP COLUMN action_state_json", now;
  }
  Database again(uri);
  auto s = again.session();
  int applied = 0;
  s << "SELECT COUNT(*) FROM schema_migrations WHERE version = 5", into(applied), now;
  EXPECT_EQ(applied, 1);
  std::string state;
  s << "SELECT action_state_json FROM timers", into(state), now;  // the column is back
}

TEST(Database, RefusesUnknownUris) {
  EXPECT_THROW(Database("mysql://x"), DatabaseError);
  EXPECT_THROW(Database("sqlite:"), DatabaseError);
}

TEST(Database, HostsStartingTogetherOnOnePostgreSQLMigrateItOnce) {
  test::TestDatabase shared(test::DatabaseKind::postgresql);
  std::vector<std::jthread> hosts;
  std::atomic<int> opened{0};
  for (int i = 0; i < 4; ++i)
    hosts.emplace_back([&] {
      Database db(shared.uri());
      if (db.schema_version() == all_migrations().back().version) ++opened;
    });
  hosts.clear();
  EXPECT_EQ(opened, 4);
  Database again(shared.uri());
  int rows = 0;
  auto s = again.session();
  using namespace Poco::Data::Keywords;
  s << "SELECT COUNT(*) FROM schema_migrations", into(rows), now;
  EXPECT_EQ(rows, static_cast<int>(all_migrations().size()));
}

}  // namespace
}  // namespace warden::host
