#include "host/http/console_auth.hpp"

#include <gtest/gtest.h>

namespace warden::host::http {
namespace {

TEST(ConsoleAuth, FindsTheSessionCookieAmongOthers) {
  EXPECT_EQ(session_cookie("warden_session=abc"), "abc");
  EXPECT_EQ(session_cookie("a=1; warden_session=abc; b=2"), "abc");
  EXPECT_EQ(session_cookie("a=1;warden_session = abc ;b=2"), "abc");
  EXPECT_EQ(session_cookie("xwarden_session=abc"), std::nullopt);
  EXPECT_EQ(session_cookie("warden_session"), std::nullopt);
  EXPECT_EQ(session_cookie(""), std::nullopt);
  EXPECT_EQ(session_cookie(";;;"), std::nullopt);
  EXPECT_EQ(session_cookie("warden_session=first; warden_session=second"), "first");
}

TEST(ConsoleAuth, ACookieSignsInOnlyRequestsWithTheHeaderFromThisOrigin) {
  EXPECT_EQ(cookie_refusal({"1", std::nullopt, "h:1", std::nullopt}), "");
  EXPECT_EQ(cookie_refusal({"1", "http://h:1", "h:1", "same-origin"}), "");
  EXPECT_EQ(cookie_refusal({"1", "https://h:1", "h:1", std::nullopt}), "");
  EXPECT_EQ(cookie_refusal({"1", std::nullopt, std::nullopt, "none"}), "");

  EXPECT_NE(cookie_refusal({std::nullopt, std::nullopt, "h:1", std::nullopt}), "");
  EXPECT_NE(cookie_refusal({"0", std::nullopt, "h:1", std::nullopt}), "");
  EXPECT_NE(cookie_refusal({"1", "http://evil:1", "h:1", std::nullopt}), "");
  EXPECT_NE(cookie_refusal({"1", "http://h:1.evil", "h:1", std::nullopt}), "");
  EXPECT_NE(cookie_refusal({"1", "http://h:1/", "h:1", std::nullopt}), "");
  EXPECT_NE(cookie_refusal({"1", "null", "h:1", std::nullopt}), "");
  EXPECT_NE(cookie_refusal({"1", "http://h:1", std::nullopt, std::nullopt}), "");
  EXPECT_NE(cookie_refusal({"1", std::nullopt, "h:1", "same-site"}), "");
  EXPECT_NE(cookie_refusal({"1", std::nullopt, "h:1", "cross-site"}), "");
}

TEST(ConsoleAuth, TheCookieIsHttpOnlyStrictAndExpires) {
  EXPECT_EQ(session_set_cookie("s3cr3t", 600, false),
            "warden_session=s3cr3t; Path=/; Max-Age=600; HttpOnly; SameSite=Strict");
  EXPECT_EQ(session_set_cookie("s", 1, true),
            "warden_session=s; Path=/; Max-Age=1; HttpOnly; SameSite=Strict; Secure");
  EXPECT_EQ(session_clear_cookie(false),
            "warden_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
}

}  // namespace
}  // namespace warden::host::http
