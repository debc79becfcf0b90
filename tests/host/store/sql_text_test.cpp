#include "host/store/sql_text.hpp"
#include "host/store/database.hpp"

#include <gtest/gtest.h>

namespace warden::host {
namespace {

TEST(SqlText, NumbersParametersInOrderAndLeavesQuotedOnesAlone) {
  EXPECT_EQ(numbered_parameters("SELECT a FROM t WHERE b = ? AND c IN (?, ?) LIMIT ?"),
            "SELECT a FROM t WHERE b = $1 AND c IN ($2, $3) LIMIT $4");
  EXPECT_EQ(numbered_parameters("SELECT '?', \"we?rd\" FROM t WHERE x = 'it''s ?' AND y = ?"),
            "SELECT '?', \"we?rd\" FROM t WHERE x = 'it''s ?' AND y = $1");
  EXPECT_EQ(numbered_parameters("DELETE FROM t"), "DELETE FROM t");
}

TEST(DatabaseUri, ThePasswordIsNeverShown) {
  EXPECT_EQ(redact_database_uri("postgresql://ops:s3cret@db.example:5432/warden"),
            "postgresql://ops:***@db.example:5432/warden");
  EXPECT_EQ(redact_database_uri("postgresql:///warden?host=/run/pg&user=ops&password=s3cret"),
            "postgresql:///warden?host=/run/pg&user=ops&password=***");
  EXPECT_EQ(redact_database_uri("postgresql://ops:one@db/warden?password=two&sslmode=require"),
            "postgresql://ops:***@db/warden?password=***&sslmode=require");
  EXPECT_EQ(redact_database_uri("postgresql://ops@db/warden"), "postgresql://ops@db/warden");
  EXPECT_EQ(redact_database_uri("sqlite:var/warden.db"), "sqlite:var/warden.db");
}

TEST(DatabaseUri, AMalformedUriIsRefusedWithoutShowingItsPassword) {
  // libpq's parse error quotes the whole URI.
  try {
    Database db("postgresql://ops:s3cret-value@[::1");
    FAIL() << "opened";
  } catch (const DatabaseError& e) {
    EXPECT_EQ(std::string(e.what()).find("s3cret-value"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("IPv6"), std::string::npos) << e.what();
  }
}

TEST(DatabaseUri, AWrongPasswordIsRefusedWithoutShowingIt) {
  try {
    Database db("postgresql://ops:s3cret-value@127.0.0.1:1/warden?connect_timeout=2");
    FAIL() << "opened";
  } catch (const DatabaseError& e) {
    EXPECT_EQ(std::string(e.what()).find("s3cret-value"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("postgresql://ops:***@127.0.0.1:1/warden"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace warden::host
