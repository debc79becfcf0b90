// The console's server side on the real binary: its files (compiled in, or from --ui-dir) with
// their security headers, the sign-in that turns the token into a session cookie, what a cookie
// may and may not sign in, sign-out, and the endpoints the console added (status, previews).
#include "tests/support/serve_test.hpp"

#include <Poco/JSON/Array.h>
#include <gtest/gtest.h>

#include <filesystem>

namespace warden::test {
namespace {
namespace fs = std::filesystem;
using Headers = std::vector<std::pair<std::string, std::string>>;

class Console : public ServeTest {
 protected:
  Console() : ServeTest("e2e-console-token") {}

  void SetUp() override {
    configure("plugins_dir:\n  - " + std::string(WARDEN_STAGED_PLUGINS_DIR) +
              "\nlog_level: warn\n");
    start();
  }

  ApiResponse http(const std::string& method, const std::string& path, const Headers& headers,
                   const std::string& body = {}) const {
    return call_http(warden_->port(), method, path, headers, body);
  }

  /// Signs in as the console does; returns the cookie's `name=value`.
  std::string sign_in() const {
    const auto r = http("POST", "/api/session", {{"X-Warden-Console", "1"}},
                        R"({"token": "e2e-console-token"})");
    EXPECT_EQ(r.status, 200) << r.body;
    const auto cookie = r.header("Set-Cookie");
    return cookie.substr(0, cookie.find(';'));
  }

  std::string host() const { return "127.0.0.1:" + std::to_string(warden_->port()); }
};

TEST_F(Console, ServesItsPageWithAStrictContentSecurityPolicy) {
  const auto page = http("GET", "/", {});
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("<html"), std::string::npos);
  const auto csp = page.header("Content-Security-Policy");
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("style-src 'self'"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  EXPECT_EQ(page.header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(http("GET", "/index.html", {}).body, page.body);
  EXPECT_EQ(http("GET", "/no-such-file.js", {}).status, 404);
  EXPECT_EQ(http("GET", "/../warden.yaml", {}).status, 404);
  // The API's own routes are untouched: no token, no answer.
  EXPECT_EQ(http("GET", "/api/plugins", {}).status, 401);
}

TEST_F(Console, TheTokenBecomesAnHttpOnlyStrictCookieThatSignsInSameOriginRequestsOnly) {
  // The sign-in needs the console's header and the right token.
  EXPECT_EQ(http("POST", "/api/session", {}, R"({"token": "e2e-console-token"})").status, 403);
  const auto wrong = http("POST", "/api/session", {{"X-Warden-Console", "1"}}, R"({"token": "x"})");
  EXPECT_EQ(wrong.status, 401) << wrong.body;
  EXPECT_EQ(wrong.header("Set-Cookie"), "");

  const auto signed_in = http("POST", "/api/session", {{"X-Warden-Console", "1"}},
                              R"({"token": "e2e-console-token"})");
  ASSERT_EQ(signed_in.status, 200) << signed_in.body;
  const auto set_cookie = signed_in.header("Set-Cookie");
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos) << set_cookie;
  EXPECT_NE(set_cookie.find("SameSite=Strict"), std::string::npos) << set_cookie;
  EXPECT_NE(set_cookie.find("Max-Age=43200"), std::string::npos) << set_cookie;
  EXPECT_NE(set_cookie.find("Path=/"), std::string::npos) << set_cookie;
  EXPECT_FALSE(signed_in.json->getObject("data")->isNull("expires_at"));
  const auto cookie = set_cookie.substr(0, set_cookie.find(';'));
  // The secret is 256 random bits; the token is nowhere in it.
  EXPECT_EQ(cookie.size(), std::string("warden_session=").size() + 43) << cookie;

  const auto origin = "http://" + host();
  EXPECT_EQ(http("GET", "/api/plugins", {{"Cookie", cookie}, {"X-Warden-Console", "1"}}).status,
            200);
  EXPECT_EQ(http("GET", "/api/plugins",
                 {{"Cookie", cookie}, {"X-Warden-Console", "1"}, {"Origin", origin}})
                .status,
            200);
  // Without the header, from another origin, or from another site: refused, saying why.
  const auto no_header = http("GET", "/api/plugins", {{"Cookie", cookie}});
  EXPECT_EQ(no_header.status, 403);
  EXPECT_NE(no_header.body.find("X-Warden-Console"), std::string::npos) << no_header.body;
  EXPECT_EQ(http("POST", "/api/plugins/reload",
                 {{"Cookie", cookie}, {"X-Warden-Console", "1"}, {"Origin", "http://evil.test"}})
                .status,
            403);
  EXPECT_EQ(http("GET", "/api/plugins",
                 {{"Cookie", cookie}, {"X-Warden-Console", "1"}, {"Sec-Fetch-Site", "cross-site"}})
                .status,
            403);
  // A made-up session, and the API token as a cookie, sign nothing in.
  EXPECT_EQ(http("GET", "/api/plugins",
                 {{"Cookie", "warden_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
                  {"X-Warden-Console", "1"}})
                .status,
            401);
  EXPECT_EQ(http("GET", "/api/plugins",
                 {{"Cookie", "warden_session=e2e-console-token"}, {"X-Warden-Console", "1"}})
                .status,
            401);
  // Scripts keep using the token.
  EXPECT_EQ(call("GET", "/api/plugins").status, 200);
}

TEST_F(Console, SignOutEndsTheSessionForGood) {
  const auto cookie = sign_in();
  const Headers console{{"Cookie", cookie}, {"X-Warden-Console", "1"}};
  ASSERT_EQ(http("GET", "/api/session", console).status, 200);
  const auto out = http("DELETE", "/api/session", console);
  ASSERT_EQ(out.status, 200) << out.body;
  EXPECT_NE(out.header("Set-Cookie").find("Max-Age=0"), std::string::npos);
  // The browser drops the cookie; a copy of it kept elsewhere is worth nothing now.
  EXPECT_EQ(http("GET", "/api/session", console).status, 401);
  EXPECT_EQ(http("GET", "/api/plugins", console).status, 401);
}

TEST_F(Console, AnotherHostOnTheDatabaseKnowsTheSessionAfterARestart) {
  const auto cookie = sign_in();
  start();  // the same database, a new process
  EXPECT_EQ(
      http("POST", "/api/tasks", {{"Cookie", cookie}, {"X-Warden-Console", "1"}}, "{}").status,
      200);
}

TEST_F(Console, StatusSaysWhatTheStatusPageShows) {
  const auto r = call("GET", "/api/status");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto data = r.json->getObject("data");
  EXPECT_EQ(data->getValue<std::string>("version"), WARDEN_VERSION);
  EXPECT_GE(data->getValue<int>("uptime_seconds"), 0);
  EXPECT_EQ(data->getValue<std::string>("role"), "coordinator");
  const auto kind = data->getValue<std::string>("database");
  EXPECT_TRUE(kind == "sqlite" || kind == "postgresql") << kind;
  EXPECT_GE(data->getObject("plugins")->getValue<int>("loaded"), 10);
  EXPECT_EQ(data->getObject("plugins")->getValue<int>("failed"), 0);
}

TEST_F(Console, TimerPreviewListsTheNextDueTimesOrWhatIsWrong) {
  auto r = call("POST", "/api/timers/preview",
                R"({"timer_type": "cron", "defined": "0 9 * * 1-5", "time_zone": "Europe/Berlin",)"
                R"( "count": 3})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto times = r.json->getObject("data")->getArray("due_times");
  ASSERT_EQ(times->size(), 3u);
  // 09:00 in Berlin is 07:00 or 08:00 UTC.
  const auto first = times->getElement<std::string>(0);
  EXPECT_TRUE(first.find("T07:00:00") != std::string::npos ||
              first.find("T08:00:00") != std::string::npos)
      << first;
  r = call("POST", "/api/timers/preview", R"({"timer_type": "time_cycle", "defined": "R2/PT1H"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json->getObject("data")->getArray("due_times")->size(), 2u);
  r = call("POST", "/api/timers/preview", R"({"timer_type": "cron", "defined": "61 * * * *"})");
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.json->getObject("errors")->getValue<std::string>("defined").find("minute 61"),
            std::string::npos);
  r = call("POST", "/api/timers/preview", R"({"timer_type": "weekly", "defined": "x"})");
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_TRUE(r.json->getObject("errors")->has("timer_type"));
}

TEST_F(Console, ChannelPreviewRendersTheTemplateOnTheSampleAlert) {
  auto r = call("POST", "/api/channels/preview",
                R"({"channel": "http_callback", "config": {"url": "http://127.0.0.1:9/x", )"
                R"("alertTpl": "title={{title}}"}})");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto rendered = r.json->getObject("data")->getValue<std::string>("rendered");
  EXPECT_EQ(rendered.rfind("title=", 0), 0u) << rendered;
  EXPECT_GT(rendered.size(), std::string("title=").size()) << rendered;
  // Without an alertTpl, the manifest's default template is the one shown.
  r = call("POST", "/api/channels/preview",
           R"({"channel": "http_callback", "config": {"url": "http://127.0.0.1:9/x"}})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(r.json->getObject("data")->getValue<std::string>("rendered").empty());
  r = call("POST", "/api/channels/preview",
           R"({"channel": "http_callback", "config": {"url": "http://127.0.0.1:9/x", )"
           R"("alertTpl": "{{#title}}"}})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(r.json->getObject("data")->isNull("error"));
  r = call("POST", "/api/channels/preview", R"({"channel": "http_callback", "config": {}})");
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_TRUE(r.json->getObject("errors")->has("config.url")) << r.body;
}

class ConsoleFromFolder : public ServeTest {
 protected:
  ConsoleFromFolder() : ServeTest("e2e-console-token") {}
};

TEST_F(ConsoleFromFolder, UiDirServesTheFolderAsItIsNowAndNothingOutsideIt) {
  dir_.write("ui/index.html", "<html>one</html>");
  dir_.write("ui/pages/a.js", "export const a = 1;");
  dir_.write("secret.txt", "outside");
  fs::create_symlink(dir_.path() / "secret.txt", dir_.path() / "ui" / "link.txt");
  configure("plugins_dir: []\nlog_level: warn\nui_dir: " + (dir_.path() / "ui").string() + "\n");
  start();
  const auto port = warden_->port();
  EXPECT_EQ(call_http(port, "GET", "/", {}).body, "<html>one</html>");
  const auto js = call_http(port, "GET", "/pages/a.js", {});
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  dir_.write("ui/index.html", "<html>two</html>");
  EXPECT_EQ(call_http(port, "GET", "/", {}).body, "<html>two</html>");
  EXPECT_EQ(call_http(port, "GET", "/link.txt", {}).status, 404);
  EXPECT_EQ(call_http(port, "GET", "/%2e%2e/secret.txt", {}).status, 404);
}

}  // namespace
}  // namespace warden::test
