#include "host/store/database.hpp"
#include "host/store/migrations.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

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

TEST(Database, RefusesUnknownAndUnavailableUris) {
  EXPECT_THROW(Database("mysql://x"), DatabaseError);
  try {
    Database("postgresql://localhost/warden");
    FAIL();
  } catch (const DatabaseError& e) {
    EXPECT_NE(std::string(e.what()).find("PostgreSQL is not available"), std::string::npos);
  }
  EXPECT_THROW(Database("sqlite:"), DatabaseError);
}

}  // namespace
}  // namespace warden::host
