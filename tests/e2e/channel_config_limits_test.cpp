// What a channel's configuration may not do to the host or to the requests it sends, through the
// real binary: templates that are too deep or render too much (issue 14 A6), and http_callback
// headers that cannot be sent or must not be shown (A9). Real HTTP receivers stand in for vendors.
#include "tests/support/eventually.hpp"
#include "tests/support/http_receiver.hpp"
#include "tests/support/serve_test.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <thread>

namespace warden::test {
namespace {
using namespace std::chrono_literals;

std::string repeated(std::string_view text, std::size_t times) {
  std::string out;
  out.reserve(text.size() * times);
  for (std::size_t i = 0; i < times; ++i) out += text;
  return out;
}

std::string json_text(const Poco::JSON::Object& object) {
  std::ostringstream out;
  object.stringify(out);
  return out.str();
}

class ChannelConfigLimits : public ServeTest {
 protected:
  ChannelConfigLimits() : ServeTest("e2e-channel-limits-token") {}

  void SetUp() override {
    configure("plugins_dir: " + std::string(WARDEN_STAGED_PLUGINS_DIR) + "\nlog_level: warn\n");
    start();
  }

  /// PUT /api/channels/{name} of an http_callback instance with `config` (url filled in).
  ApiResponse put_callback(const std::string& name, Poco::JSON::Object::Ptr config) {
    if (!config->has("url")) config->set("url", receiver_.url("/" + name));
    Poco::JSON::Object body;
    body.set("channel", "http_callback");
    body.set("config", config);
    return call("PUT", "/api/channels/" + name, json_text(body));
  }

  static Poco::JSON::Object::Ptr config_with(const std::string& field, const std::string& value) {
    Poco::JSON::Object::Ptr config = new Poco::JSON::Object;
    config->set(field, value);
    return config;
  }

  std::string field_error(const ApiResponse& r, const std::string& field) {
    if (!r.json || !r.json->getObject("errors")) return "<no errors in " + r.body + ">";
    const auto errors = r.json->getObject("errors");
    return errors->has(field) ? errors->getValue<std::string>(field) : "<none in " + r.body + ">";
  }

  /// The notice `id` once it has ended (or the last read after 30 s).
  Poco::JSON::Object::Ptr wait_sent(const std::string& id) {
    Poco::JSON::Object::Ptr last;
    for (auto deadline = std::chrono::steady_clock::now() + 30s;
         std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(20ms)) {
      auto r = call("GET", "/api/notifications/" + id);
      if (r.status != 200) continue;
      last = r.json->getObject("data");
      if (last->getValue<std::string>("status") == "sent") return last;
    }
    return last;
  }

  HttpReceiver receiver_;
};

TEST_F(ChannelConfigLimits, ADeepTemplateIsRefusedAtOnceAndTheHostLives) {
  // 20,000 nested sections (400 KB, under the body limit) overflowed the stack and killed the host.
  const std::string deep = repeated("{{#title}}", 20'000) + "x" + repeated("{{/title}}", 20'000);
  const auto started = std::chrono::steady_clock::now();
  auto r = put_callback("deep", config_with("alertTpl", deep));
  EXPECT_EQ(r.status, 400) << r.body.substr(0, 300);
  EXPECT_EQ(field_error(r, "config.alertTpl"), "line 1: sections nested deeper than 32");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s) << "refused before it is parsed";
  EXPECT_EQ(call("GET", "/healthz").status, 200);

  r = put_callback("long", config_with("alertTpl", std::string(200'000, 'x')));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(field_error(r, "config.alertTpl"),
            "the template is longer than 128 KiB (200000 bytes)");

  // 2^11 renderings of 1 KiB for the sample alert's two labels: 2 MiB.
  const std::string wide =
      repeated("{{#label_list}}", 11) + std::string(1024, 'w') + repeated("{{/label_list}}", 11);
  r = put_callback("wide", config_with("alertTpl", wide));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(field_error(r, "config.alertTpl"), "renders more than 1 MiB for the sample alert");
  EXPECT_EQ(call("GET", "/api/channels").json->getValue<int>("count"), 0);
  EXPECT_EQ(call("GET", "/healthz").status, 200);
}

TEST_F(ChannelConfigLimits, ATemplateThatRendersTooMuchForAnAlertIsSentWithTheFallback) {
  // {{message}} x 10,000 with a 100 KB message rendered a 1 GB body; the sample alert passes.
  auto r = put_callback("big", config_with("alertTpl", repeated("{{message}}", 10'000)));
  ASSERT_EQ(r.status, 201) << r.body.substr(0, 300);

  Poco::JSON::Object::Ptr alert = new Poco::JSON::Object;
  alert->set("title", "Big one");
  alert->set("message", std::string(100'000, 'm'));
  Poco::JSON::Object body;
  body.set("alert", alert);
  Poco::JSON::Array::Ptr channels = new Poco::JSON::Array;
  channels->add("big");
  body.set("channels", channels);
  r = call("POST", "/api/alerts", json_text(body));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto id = r.json->getArray("data")->getObject(0)->getValue<std::string>("notice_id");

  const auto notice = wait_sent(id);
  ASSERT_TRUE(notice);
  EXPECT_EQ(notice->getValue<std::string>("status"), "sent");
  EXPECT_EQ(notice->getValue<std::string>("template_error"),
            "alertTpl: renders more than 1 MiB; sent with the fallback template");
  ASSERT_TRUE(receiver_.wait_for(1));
  const auto got = receiver_.requests()[0];
  EXPECT_LT(got.body.size(), 200'000u);
  EXPECT_NE(got.body.find(std::string(100'000, 'm')), std::string::npos)
      << "the channel's default template carries the message";
  EXPECT_EQ(call("GET", "/healthz").status, 200);
}

TEST_F(ChannelConfigLimits, HeadersThatCannotBeSentAreRefusedNamingTheField) {
  for (const std::string& headers : std::vector<std::string>{
           "Host: evil.example", "Content-Length: 5", "Transfer-Encoding: chunked",
           "Connection: close", "TE: trailers", "Upgrade: h2c", "Bad Name: x", "X-A: a\rb",
           std::string("X-A: a\0b", 8), "X-Ok: 1\nnot a header"}) {
    auto r = put_callback("cb", config_with("headers", headers));
    EXPECT_EQ(r.status, 400) << headers;
    EXPECT_NE(field_error(r, "config.headers").find("line "), std::string::npos)
        << headers << ": " << r.body;
  }
  auto r = put_callback("cb", config_with("contentType", "application/json\r\nX-Evil: 1"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(field_error(r, "config.contentType"),
            "must be one header value: no line break or other control character");
  EXPECT_EQ(call("GET", "/api/channels").json->getValue<int>("count"), 0);
}

TEST_F(ChannelConfigLimits, HeadersAreMaskedInEveryAnswerYetSentAsTheyAre) {
  const std::string secret = "Bearer s3cr3t-t0ken";
  auto r = put_callback("cb", config_with("headers", "Authorization: " + secret + "\nX-Env: e2e"));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json->getObject("data")->getObject("config")->getValue<std::string>("headers"),
            "******");
  EXPECT_EQ(r.body.find("s3cr3t"), std::string::npos);
  for (const char* path : {"/api/channels", "/api/channels/cb"}) {
    r = call("GET", path);
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.body.find("s3cr3t"), std::string::npos) << path;
    EXPECT_NE(r.body.find(R"("headers":"******")"), std::string::npos) << r.body;
  }
  Poco::JSON::Object check;
  check.set("config", config_with("headers", "Authorization: " + secret));
  check.getObject("config")->set("url", receiver_.url("/x"));
  r = call("POST", "/api/plugins/http_callback/check_config", json_text(check));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json->getObject("data")->getValue<std::string>("headers"), "******");

  r = call("POST", "/api/channels/cb/test");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(receiver_.wait_for(1));
  EXPECT_EQ(receiver_.requests()[0].header("Authorization"), secret);
  EXPECT_EQ(receiver_.requests()[0].header("X-Env"), "e2e");

  // Sending the mask back (as a form that read it would) keeps the stored headers.
  r = put_callback("cb", config_with("headers", "******"));
  ASSERT_EQ(r.status, 200) << r.body;
  r = call("POST", "/api/channels/cb/test");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(receiver_.wait_for(2));
  EXPECT_EQ(receiver_.requests()[1].header("Authorization"), secret);
  EXPECT_EQ(warden_->log().find("s3cr3t"), std::string::npos);
}

}  // namespace
}  // namespace warden::test
