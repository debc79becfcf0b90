// The bundled dingtalk channel, loaded from the build's staged folder through the real registry,
// sending real requests to a real receiver that checks what DingTalk's robot API would check. The
// signature is computed here independently with OpenSSL, not with the plugin's code.
#include "tests/support/bundled_plugin.hpp"
#include "tests/support/http_receiver.hpp"

#include <warden/alert_channel.hpp>

#include <Poco/JSON/Parser.h>
#include <Poco/Net/ServerSocket.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <map>

namespace warden::test {
namespace {

constexpr const char* kToken = "d0c5e1a7b3f94e2a8c6d0123456789abcdef0123456789abcdef0123456789ab";
constexpr const char* kSecret =
    "SEC7f3a9c0e5b1d2f4a6c8e0b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2";

Poco::JSON::Object::Ptr parse_object(const std::string& text) {
  return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

/// Base64 of HMAC-SHA256(key, message), by OpenSSL.
std::string openssl_hmac_base64(const std::string& key, const std::string& message) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &mac_size);
  std::string out(4 * ((mac_size + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), mac,
                                static_cast<int>(mac_size));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

/// RFC 3986 percent-encoding of everything but unreserved characters.
std::string percent_encoded(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

/// The query string's parameters, raw (not decoded).
std::map<std::string, std::string> raw_query(const std::string& uri) {
  std::map<std::string, std::string> params;
  const auto q = uri.find('?');
  if (q == std::string::npos) return params;
  std::string rest = uri.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string pair = rest.substr(0, amp);
    const auto eq = pair.find('=');
    params[pair.substr(0, eq)] = eq == std::string::npos ? "" : pair.substr(eq + 1);
    if (amp == std::string::npos) break;
    rest.erase(0, amp + 1);
  }
  return params;
}

std::vector<std::string> strings_of(const Poco::JSON::Array::Ptr& array) {
  std::vector<std::string> out;
  if (array)
    for (const auto& item : *array) out.push_back(item.convert<std::string>());
  return out;
}

Alert disk_alert() {
  Alert alert;
  alert.type = "job_state";
  alert.title = "Disk \"data\" full";
  alert.subject = "disk";
  alert.source = "etl-job";
  alert.id = "a-1";
  alert.status = "FAILED";
  alert.severity = "critical";
  alert.start_time = "2026-01-31T12:00:00+01:00";
  alert.duration = "3m 20s";
  alert.link = "https://grafana.example.com/d/1";
  alert.message = "line one\nline two \\ \"done\"";
  alert.labels = {{"strategy_id", "42"}, {"bk_biz_id", "7"}};
  alert.restart = true;
  alert.restart_index = 2;
  alert.total_restart = 3;
  alert.cp_failure_rate_interval = 600;
  return alert;
}

class DingTalk : public ::testing::Test {
 protected:
  /// A channel instance with `fields` plus token and alertDingURL pointing at the receiver.
  std::shared_ptr<AlertChannel> channel(Poco::JSON::Object fields = Poco::JSON::Object()) {
    if (!fields.has("token")) fields.set("token", kToken);
    fields.set("alertDingURL", receiver.url("/robot/send"));
    return plugin.make<AlertChannel>(fields);
  }

  /// Delivery detail and log never carry the token or the secret.
  void expect_no_secrets(const Delivery& delivery) {
    for (const std::string secret : {kToken, kSecret}) {
      EXPECT_EQ(delivery.detail.find(secret), std::string::npos) << delivery.detail;
      EXPECT_EQ(plugin.log().find(secret), std::string::npos) << plugin.log();
    }
  }

  HttpReceiver receiver;
  BundledPlugin plugin{"dingtalk"};
};

TEST_F(DingTalk, PostsAMarkdownMessageThatMentionsTheContacts) {
  receiver.respond("/robot/send",
                   {.body = R"({"errcode":0,"errmsg":"ok"})", .content_type = "application/json"});
  Poco::JSON::Object fields;
  fields.set("contacts", "13800000000,\n +8613900000001 ;\n\n");
  auto sender = channel(fields);
  ASSERT_TRUE(sender);
  Alert alert = disk_alert();
  alert.at_mobiles = {"13700000002", "13800000000"};

  const Delivery delivery = sender->deliver(alert);

  EXPECT_TRUE(delivery.delivered) << delivery.detail;
  EXPECT_EQ(delivery.http_status, 200);
  EXPECT_EQ(delivery.detail, R"({"errcode":0,"errmsg":"ok"})");
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& got = requests[0];
  EXPECT_EQ(got.method, "POST");
  EXPECT_EQ(got.path, "/robot/send");
  EXPECT_EQ(got.uri, std::string("/robot/send?access_token=") + kToken);
  EXPECT_EQ(got.header("Content-Type"), "application/json; charset=utf-8");

  Poco::JSON::Object::Ptr body;
  ASSERT_NO_THROW(body = parse_object(got.body)) << got.body;
  EXPECT_EQ(body->size(), 3u) << got.body;
  EXPECT_EQ(body->getValue<std::string>("msgtype"), "markdown");
  const auto markdown = body->getObject("markdown");
  ASSERT_TRUE(markdown) << got.body;
  EXPECT_EQ(markdown->getValue<std::string>("title"), "Disk \"data\" full");
  const std::string text = markdown->getValue<std::string>("text");
  EXPECT_EQ(text.rfind("### Disk \"data\" full\n", 0), 0u) << text;
  for (const std::string line :
       {"\n**disk**\n", "\n- **Source:** etl-job\n", "\n- **ID:** a-1\n",
        "\n- **Status:** FAILED\n", "\n- **Severity:** critical\n",
        "\n- **Started:** 2026-01-31T12:00:00+01:00\n", "\n- **Duration:** 3m 20s\n",
        "\n- **Restart:** 2 of 3\n", "\n- **Checkpoint failure-rate interval:** 600\n",
        "\n- **bk_biz_id:** 7\n", "\n- **strategy_id:** 42\n", "\nline one\nline two \\ \"done\"\n",
        "\n[Details](https://grafana.example.com/d/1)\n"})
    EXPECT_NE(text.find(line), std::string::npos) << "missing " << line << " in\n" << text;
  // Fields that are not set print nothing.
  EXPECT_EQ(text.find("Ended"), std::string::npos) << text;
  EXPECT_EQ(text.find("max-failure"), std::string::npos) << text;
  // DingTalk highlights a mention only when the text names it too.
  const std::string mentions = "\n\n@13800000000 @+8613900000001 @13700000002";
  EXPECT_EQ(text.substr(text.size() - mentions.size()), mentions) << text;

  const auto at = body->getObject("at");
  ASSERT_TRUE(at) << got.body;
  EXPECT_EQ(strings_of(at->getArray("atMobiles")),
            (std::vector<std::string>{"13800000000", "+8613900000001", "13700000002"}));
  ASSERT_TRUE(at->get("isAtAll").isBoolean()) << got.body;
  EXPECT_FALSE(at->getValue<bool>("isAtAll"));
  expect_no_secrets(delivery);
}

TEST_F(DingTalk, SignsTheRequestWithTimestampAndHmacOnTheQueryString) {
  receiver.respond("/robot/send", {.body = R"({"errcode":0,"errmsg":"ok"})"});
  Poco::JSON::Object fields;
  fields.set("secretEnable", true);
  fields.set("secretToken", kSecret);
  fields.set("isAtAll", "true");
  auto sender = channel(fields);
  ASSERT_TRUE(sender);

  const auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const Delivery delivery = sender->deliver(disk_alert());
  const auto after = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();

  EXPECT_TRUE(delivery.delivered) << delivery.detail;
  ASSERT_EQ(receiver.requests().size(), 1u);
  const auto got = receiver.requests()[0];
  const auto query = raw_query(got.uri);
  EXPECT_EQ(query.size(), 3u) << got.uri;
  EXPECT_EQ(query.at("access_token"), kToken);
  ASSERT_TRUE(query.count("timestamp")) << got.uri;
  const std::string timestamp = query.at("timestamp");
  ASSERT_FALSE(timestamp.empty());
  ASSERT_EQ(timestamp.find_first_not_of("0123456789"), std::string::npos) << timestamp;
  const long long ms = std::stoll(timestamp);
  EXPECT_GE(ms, before);
  EXPECT_LE(ms, after);
  // sign = urlEncode(base64(HMAC-SHA256(key = secret, message = timestamp + "\n" + secret))).
  const std::string expected =
      percent_encoded(openssl_hmac_base64(kSecret, timestamp + "\n" + kSecret));
  EXPECT_EQ(query.at("sign"), expected) << got.uri;
  EXPECT_EQ(query.at("sign").find_first_of("+/="), std::string::npos) << "not URL-encoded";

  const auto body = parse_object(got.body);
  EXPECT_TRUE(body->getObject("at")->getValue<bool>("isAtAll"));
  EXPECT_EQ(body->getObject("at")->getArray("atMobiles")->size(), 0u);
  expect_no_secrets(delivery);
}

TEST_F(DingTalk, SigningWithoutASecretSendsNothing) {
  Poco::JSON::Object fields;
  fields.set("secretEnable", true);
  auto sender = channel(fields);
  ASSERT_TRUE(sender);

  const Delivery delivery = sender->deliver(disk_alert());

  EXPECT_FALSE(delivery.delivered);
  EXPECT_EQ(delivery.detail,
            "secretToken: required when secretEnable is true; the alert was not sent unsigned");
  EXPECT_TRUE(receiver.requests().empty());
}

TEST_F(DingTalk, AnErrcodeInsideA200IsAFailureWithTheVendorsMessage) {
  // DingTalk's answer may even quote the token back: it never reaches the detail or the log.
  receiver.respond("/robot/send", {.body = std::string(R"({"errcode":300001,"errmsg":"token )") +
                                           kToken + R"( is not exist"})",
                                   .content_type = "application/json"});
  auto sender = channel();
  ASSERT_TRUE(sender);

  const Delivery delivery = sender->deliver(disk_alert());

  EXPECT_FALSE(delivery.delivered);
  EXPECT_EQ(delivery.http_status, 200);
  EXPECT_EQ(delivery.detail, "DingTalk error 300001: token ****** is not exist");
  EXPECT_NE(plugin.log().find("DingTalk error 300001"), std::string::npos) << plugin.log();
  EXPECT_NE(plugin.log().find("127.0.0.1:" + std::to_string(receiver.port())), std::string::npos)
      << plugin.log();
  expect_no_secrets(delivery);
}

TEST_F(DingTalk, A200WithoutAnErrcodeIsAFailure) {
  receiver.respond("/robot/send", {.body = "<html>proxy</html>"});
  auto sender = channel();
  ASSERT_TRUE(sender);
  const Delivery delivery = sender->deliver(disk_alert());
  EXPECT_FALSE(delivery.delivered);
  EXPECT_EQ(delivery.detail, "DingTalk answered without an errcode: <html>proxy</html>");
}

TEST_F(DingTalk, A5xxAndA429AreFailuresWithStatusAndRetryAfter) {
  receiver.respond("/robot/send", {.status = 503, .body = "unavailable"});
  auto sender = channel();
  ASSERT_TRUE(sender);
  Delivery delivery = sender->deliver(disk_alert());
  EXPECT_FALSE(delivery.delivered);
  EXPECT_EQ(delivery.http_status, 503);
  EXPECT_EQ(delivery.retry_after_s, -1);
  EXPECT_EQ(delivery.detail, "HTTP 503: unavailable");

  receiver.respond("/robot/send",
                   {.status = 429, .body = "slow down", .headers = {{"Retry-After", "30"}}});
  delivery = sender->deliver(disk_alert());
  EXPECT_FALSE(delivery.delivered);
  EXPECT_EQ(delivery.http_status, 429);
  EXPECT_EQ(delivery.retry_after_s, 30);
  EXPECT_EQ(delivery.detail, "HTTP 429: slow down");
  expect_no_secrets(delivery);
}

TEST_F(DingTalk, AnUnreachableRobotNamesOnlyHostAndPort) {
  Poco::UInt16 closed_port;
  {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    closed_port = socket.address().port();
  }
  const std::string where = "127.0.0.1:" + std::to_string(closed_port);
  Poco::JSON::Object fields;
  fields.set("token", kToken);
  fields.set("alertDingURL", "http://" + where + "/robot/send");
  auto sender = plugin.make<AlertChannel>(fields);
  ASSERT_TRUE(sender);

  const Delivery delivery = sender->deliver(disk_alert());

  EXPECT_FALSE(delivery.delivered);
  EXPECT_EQ(delivery.http_status, 0);
  EXPECT_EQ(delivery.detail, "connection refused by " + where);
  expect_no_secrets(delivery);
}

TEST_F(DingTalk, AMalformedTemplateFailsNamingTheLine) {
  Poco::JSON::Object fields;
  fields.set("alertTpl", "### {{title}}\n{{#labels}}\n- {{strategy_id}}\n");
  auto sender = channel(fields);
  ASSERT_TRUE(sender);

  const Delivery delivery = sender->deliver(disk_alert());

  EXPECT_FALSE(delivery.delivered);
  EXPECT_EQ(delivery.detail, "alertTpl: line 2: Unclosed section \"labels\"");
  EXPECT_TRUE(receiver.requests().empty());
}

TEST_F(DingTalk, ACustomTemplateAndAnAlertWithoutTitle) {
  receiver.respond("/robot/send", {.body = R"({"errcode":0,"errmsg":"ok"})"});
  Poco::JSON::Object fields;
  fields.set("alertTpl", "{{subject}}: {{labels.strategy_id}} {{message}}");
  auto sender = channel(fields);
  ASSERT_TRUE(sender);
  Alert alert = disk_alert();
  alert.title.clear();

  EXPECT_TRUE(sender->deliver(alert).delivered);
  ASSERT_EQ(receiver.requests().size(), 1u);
  const auto markdown = parse_object(receiver.requests()[0].body)->getObject("markdown");
  EXPECT_EQ(markdown->getValue<std::string>("title"), "disk");
  EXPECT_EQ(markdown->getValue<std::string>("text"), "disk: 42 line one\nline two \\ \"done\"");
}

TEST_F(DingTalk, AContactThatIsNotAMobileFailsNamingIt) {
  Poco::JSON::Object fields;
  fields.set("contacts", "13800000000, alice");
  auto sender = channel(fields);
  ASSERT_TRUE(sender);

  const Delivery delivery = sender->deliver(disk_alert());

  EXPECT_FALSE(delivery.delivered);
  EXPECT_EQ(delivery.detail, "contacts: \"alice\" is not a mobile phone number");
  EXPECT_TRUE(receiver.requests().empty());
}

TEST_F(DingTalk, TheManifestRequiresTheTokenAndChecksTheUrlAndDefaults) {
  ASSERT_TRUE(plugin.record());
  const auto& schema = plugin.record()->manifest->schema;
  auto refused = schema.apply(*parse_object(R"({"alertDingURL": "ftp://x", "isAtAll": "maybe"})"));
  EXPECT_TRUE(refused.errors.count("token"));
  EXPECT_TRUE(refused.errors.count("alertDingURL"));
  EXPECT_TRUE(refused.errors.count("isAtAll"));

  auto filled = schema.apply(*parse_object(R"({"token": "t"})"));
  ASSERT_TRUE(filled.ok());
  EXPECT_EQ(filled.values->getValue<std::string>("alertDingURL"),
            "https://oapi.dingtalk.com/robot/send");
  EXPECT_EQ(filled.values->getValue<bool>("isAtAll"), false);
  EXPECT_EQ(filled.values->getValue<bool>("secretEnable"), false);
  EXPECT_NE(filled.values->getValue<std::string>("alertTpl").find("{{#source}}"),
            std::string::npos);
}

}  // namespace
}  // namespace warden::test
