#include "host/store/secret_key_file.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

namespace warden::host {
namespace {

namespace fs = std::filesystem;

mode_t mode_of(const fs::path& file) {
  struct stat st {};
  EXPECT_EQ(::stat(file.c_str(), &st), 0);
  return st.st_mode & 07777;
}

TEST(SecretKeyFile, DefaultsToAFileBesideTheSqliteDatabase) {
  EXPECT_EQ(default_secret_key_file("sqlite:var/warden.db"), fs::path("var/warden.key"));
  EXPECT_EQ(default_secret_key_file("sqlite:/srv/w/data"), fs::path("/srv/w/data.key"));
  EXPECT_EQ(default_secret_key_file("sqlite::memory:"), fs::path());
  EXPECT_EQ(default_secret_key_file("postgresql://db/w"), fs::path());
}

TEST(SecretKeyFile, IsCreatedOnceWithMode0600WhateverTheUmaskAndReadBack) {
  test::TempDir dir;
  const auto file = dir.path() / "var/warden.key";
  const mode_t old_umask = ::umask(0);  // the loosest umask: the file must still be 0600
  auto made = find_secret_key(nullptr, file, true);
  ::umask(old_umask);
  ASSERT_TRUE(made.box);
  EXPECT_TRUE(made.created);
  EXPECT_EQ(mode_of(file), 0600u);
  auto again = find_secret_key(nullptr, file, true);
  ASSERT_TRUE(again.box);
  EXPECT_FALSE(again.created);
  EXPECT_EQ(again.box->key_hex(), made.box->key_hex());
  EXPECT_EQ(again.box->origin(), "key file " + file.string());
  EXPECT_THROW(write_secret_key_file(file, *made.box), SecretError);  // never replaced
  EXPECT_EQ(read_secret_key_file(file), parse_secret_key(made.box->key_hex(), "k"));
}

TEST(SecretKeyFile, TheEnvironmentWinsAndAMissingFileIsNotMadeUnlessAsked) {
  test::TempDir dir;
  const auto file = dir.path() / "warden.key";
  const std::string hex(64, 'a');
  auto from_env = find_secret_key(hex.c_str(), file, true);
  ASSERT_TRUE(from_env.box);
  EXPECT_EQ(from_env.box->origin(), "WARDEN_SECRET_KEY");
  EXPECT_FALSE(fs::exists(file));
  EXPECT_THROW(find_secret_key("not a key", file, true), SecretError);
  auto none = find_secret_key("", file, false);
  EXPECT_FALSE(none.box);
  EXPECT_FALSE(fs::exists(file));
  EXPECT_NE(none.where_looked().find(file.string()), std::string::npos);
}

TEST(SecretKeyFile, RefusesAKeyFileOthersCanReadOrThatHoldsNoKey) {
  test::TempDir dir;
  const auto file = dir.path() / "warden.key";
  dir.write("warden.key", std::string(64, 'b') + "\n");
  ::chmod(file.c_str(), 0644);
  try {
    read_secret_key_file(file);
    FAIL();
  } catch (const SecretError& e) {
    EXPECT_NE(std::string(e.what()).find("mode 0644"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("chmod 600"), std::string::npos) << e.what();
  }
  ::chmod(file.c_str(), 0400);
  EXPECT_EQ(read_secret_key_file(file).size(), 32u);
  dir.write("bad.key", "password123\n");
  ::chmod((dir.path() / "bad.key").c_str(), 0600);
  EXPECT_THROW(read_secret_key_file(dir.path() / "bad.key"), SecretError);
  EXPECT_THROW(read_secret_key_file(dir.path()), SecretError);  // a folder
}

}  // namespace
}  // namespace warden::host
