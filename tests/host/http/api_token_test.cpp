#include "host/http/api_token.hpp"

#include <gtest/gtest.h>

namespace warden::host::http {
namespace {

TEST(HttpApiToken, AcceptsTheTokenAloneOrAsBearer) {
  const ApiToken token("s3cret");
  EXPECT_TRUE(token.accepts("s3cret"));
  EXPECT_TRUE(token.accepts("Bearer s3cret"));
  EXPECT_TRUE(token.accepts("bearer s3cret"));
  EXPECT_TRUE(token.accepts("BEARER  s3cret"));
}

TEST(HttpApiToken, RefusesAnythingElse) {
  const ApiToken token("s3cret");
  EXPECT_FALSE(token.accepts(""));
  EXPECT_FALSE(token.accepts("s3cre"));
  EXPECT_FALSE(token.accepts("s3cret "));
  EXPECT_FALSE(token.accepts("S3CRET"));
  EXPECT_FALSE(token.accepts("Bearer "));
  EXPECT_FALSE(token.accepts("Bearer s3cretx"));
  EXPECT_FALSE(token.accepts("Basic s3cret"));
  EXPECT_FALSE(token.accepts("Bearers3cret"));
}

TEST(HttpApiToken, EmptyTokenAcceptsNothing) {
  const ApiToken token("");
  EXPECT_TRUE(token.empty());
  EXPECT_FALSE(token.accepts(""));
  EXPECT_FALSE(token.accepts("Bearer "));
  EXPECT_FALSE(token.accepts("anything"));
}

TEST(HttpApiToken, TokenThatStartsWithBearerStillWorks) {
  const ApiToken token("Bearer abc");
  EXPECT_TRUE(token.accepts("Bearer abc"));
  EXPECT_TRUE(token.accepts("Bearer Bearer abc"));
  EXPECT_FALSE(token.accepts("abc"));
}

}  // namespace
}  // namespace warden::host::http
