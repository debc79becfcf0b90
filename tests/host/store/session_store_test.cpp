#include "host/store/session_store.hpp"

#include "host/store/database.hpp"
#include "tests/support/temp_dir.hpp"

#include <Poco/Data/Session.h>
#include <gtest/gtest.h>

#include <set>

namespace warden::host {
namespace {

class SessionStoreTest : public ::testing::Test {
 protected:
  test::TempDir dir_;
  Database database_{"sqlite:" + (dir_.path() / "warden.db").string()};
  SessionStore store_{database_};
};

TEST_F(SessionStoreTest, ASessionLastsUntilItExpiresOrIsClosed) {
  const auto a = store_.open(1'000, 60'000);
  EXPECT_EQ(a.expires_ms, 61'000);
  EXPECT_EQ(a.secret.size(), 43u);
  EXPECT_EQ(store_.expiry(a.secret, 1'000), 61'000);
  EXPECT_EQ(store_.expiry(a.secret, 60'999), 61'000);
  EXPECT_EQ(store_.expiry(a.secret, 61'000), std::nullopt);

  const auto b = store_.open(2'000, 60'000);
  EXPECT_NE(a.secret, b.secret);
  EXPECT_TRUE(store_.close(b.secret));
  EXPECT_FALSE(store_.close(b.secret));
  EXPECT_EQ(store_.expiry(b.secret, 2'000), std::nullopt);
  EXPECT_EQ(store_.expiry(a.secret, 2'000), 61'000);  // closing one leaves the others
  EXPECT_EQ(store_.expiry("", 2'000), std::nullopt);
  EXPECT_EQ(store_.expiry(std::string(10'000, 'x'), 2'000), std::nullopt);
}

TEST_F(SessionStoreTest, OnlyAHashOfTheSecretIsStoredAndExpiredOnesAreDeleted) {
  const auto a = store_.open(1'000, 10);
  store_.open(5'000, 60'000);  // deletes a on the way
  auto s = database_.session();
  std::vector<std::string> hashes;
  s << "SELECT id_hash FROM console_sessions", Poco::Data::Keywords::into(hashes),
      Poco::Data::Keywords::now;
  ASSERT_EQ(hashes.size(), 1u);
  EXPECT_EQ(hashes.front().size(), 64u);
  EXPECT_NE(hashes.front(), SessionStore::hash(a.secret));
  EXPECT_EQ(SessionStore::hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");  // FIPS 180-2
}

TEST_F(SessionStoreTest, SecretsAreUnpredictable) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) seen.insert(store_.open(1'000, 60'000).secret);
  EXPECT_EQ(seen.size(), 200u);
  for (const auto& secret : seen)
    EXPECT_EQ(secret.find_first_not_of(
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos);
}

}  // namespace
}  // namespace warden::host
