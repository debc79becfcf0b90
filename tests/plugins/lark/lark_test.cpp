// The bundled lark channel, loaded from the build's staged folder through the real registry,
// sending real requests to a real receiver that checks what Lark's custom bot API would check. The
// signature is computed here independently with OpenSSL, not with the plugin's code.
#include "tests/support/bundled_plugin.hpp"
#include "tests/support/http_receiver.hpp"

#include <warden/alert_channel.hpp>

#include <Poco/JSON/Parser.h>
#include <Poco/Net/ServerSocket.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <gtest/gtest.h>

#include <chrono>

namespace warden::test {
namespace {

constexpr const char* kToken = "2f8a1c3e-77b4-4d0e-9a51-6c0b1e9d4f21";
constexpr const char* kSecret = "qJ3xk8WvZp2mT7rB9yLdCe";

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

class Lark : public ::testing::Test {
 protected:
  std::shared_ptr<AlertChannel> channel(Poco::JSON::Object fields = Poco::JSON::Object()) {
    if (!fields.has("token")) fields.set("token", kToken);
    fields.set("alertLarkURL", receiver.url("/open-apis/bot/v2/hook"));
    return plugin.make<AlertChannel>(fields);
  }

  void expect_no_secrets(const Delivery& delivery) {
    for (const std::string secret : {kToken, kSecret}) {
      EXPECT_EQ(delivery.detail.find(secret), std::string::npos) << delivery.detail;
      EXPECT_EQ(plugin.log().find(secret), std::string::npos) << plugin.log();
    }
  }

  static std::string hook_path() { return std::string("/open-apis/bot/v2/hook/") + kToken; }

  HttpReceiver receiver;
  BundledPlugin plugin{"lark"};
};

constexpr const char* kOk = R"({"code":0,"data":{},"msg":"success"})";

TEST_F(Lark, PostsAnInteractiveCardToTheHook) {
  receiver.respond(hook_path(), {.body = kOk, .content_type = "application/json"});
  auto sender = channel();
  ASSERT_TRUE(sender);

  const Delivery delivery = sender->deliver(disk_alert());

  EXPECT_TRUE(delivery.delivered) << delivery.detail;
  EXPECT_EQ(delivery.http_status, 200);
  EXPECT_EQ(delivery.detail, kOk);
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& got = requests[0];
  EXPECT_EQ(got.method, "POST");
  EXPECT_EQ(got.uri, hook_path());
  EXPECT_EQ(got.header("Content-Type"), "application/json; charset=utf-8");

  Poco::JSON::Object::Ptr body;
  ASSERT_NO_THROW(body = parse_object(got.body)) << got.body;
  EXPECT_EQ(body->size(), 2u) << "no timestamp or sign when unsigned: " << got.body;
  EXPECT_EQ(body->getValue<std::string>("msg_type"), "interactive");
  const auto card = body->getObject("card");
  ASSERT_TRUE(card) << got.body;
  EXPECT_TRUE(card->getObject("config")->getValue<bool>("wide_screen_mode"));
  const auto header = card->getObject("header");
  ASSERT_TRUE(header) << got.body;
  EXPECT_EQ(header->getValue<std::string>("template"), "red");
  EXPECT_EQ(header->getObject("title")->getValue<std::string>("tag"), "plain_text");
  EXPECT_EQ(header->getObject("title")->getValue<std::string>("content"), "Disk \"data\" full");
  const auto elements = card->getArray("elements");
  ASSERT_TRUE(elements) << got.body;
  ASSERT_EQ(elements->size(), 1u);
  const auto markdown = elements->getObject(0);
  EXPECT_EQ(markdown->getValue<std::string>("tag"), "markdown");
  const std::string content = markdown->getValue<std::string>("content");
  EXPECT_EQ(content.rfind("**disk**\n- **Source:** etl-job\n", 0), 0u) << content;
  for (const std::string line :
       {"\n- **Status:** FAILED\n", "\n- **Started:** 2026-01-31T12:00:00+01:00\n",
        "\n- **Restart:** 2 of 3\n", "\n- **bk_biz_id:** 7\n", "\nline one\nline two \\ \"done\"\n",
        "\n[Details](https://grafana.example.com/d/1)\n"})
    EXPECT_NE(content.find(line), std::string::npos) << "missing " << line << " in\n" << content;
  EXPECT_EQ(content.find("Ended"), std::string::npos) << content;
  EXPECT_EQ(content.find("<at"), std::string::npos) << content;
  expect_no_secrets(delivery);
}

TEST_F(Lark, SignsTheBodyAndMentionsEveryone) {
  receiver.respond(hook_path(), {.body = kOk});
  Poco::JSON::Object fields;
  fields.set("secretEnable", "true");
  fields.set("secretToken", kSecret);
  fields.set("isAtAll", true);
  auto sender = channel(fields);
  ASSERT_TRUE(sender);
  Alert alert = disk_alert();
  alert.status = "RECOVERED";

  const auto before = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const Delivery delivery = sender->deliver(alert);
  const auto after = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();

  EXPECT_TRUE(delivery.delivered) << delivery.detail;
  ASSERT_EQ(receiver.requests().size(), 1u);
  const auto got = receiver.requests()[0];
  EXPECT_EQ(got.uri, hook_path());
  Poco::JSON::Object::Ptr body;
  ASSERT_NO_THROW(body = parse_object(got.body)) << got.body;
  EXPECT_EQ(body->size(), 4u) << got.body;
  ASSERT_TRUE(body->get("timestamp").isString()) << "Lark wants the timestamp as a string";
  const std::string timestamp = body->getValue<std::string>("timestamp");
  ASSERT_FALSE(timestamp.empty());
  ASSERT_EQ(timestamp.find_first_not_of("0123456789"), std::string::npos) << timestamp;
  EXPECT_GE(std::stoll(timestamp), before) << "seconds, not milliseconds";
  EXPECT_LE(std::stoll(timestamp), after) << "seconds, not milliseconds";
  // sign = base64(HMAC-SHA256(key = timestamp + "\n" + secret, message = "")).
  EXPECT_EQ(body->getValue<std::string>("sign"),
            openssl_hmac_base64(timestamp + "\n" + kSecret, ""));

  const auto card = body->getObject("card");
  EXPECT_EQ(card->getObject("header")->getValue<std::string>("template"), "green");
  const std::string content =
      card->getArray("elements")->getObject(0)->getValue<std::string>("content");
  const std::string at_all = "\n<at id=all></at>";
  ASSERT_GE(content.size(), at_all.size());
  EXPECT_EQ(content.substr(content.size() - at_all.size()), at_all) << content;
  expect_no_secrets(delivery);
}

TEST_F(Lark, SigningWithoutASecretSendsNothing) {
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

TEST_F(Lark, ANonZeroCodeInsideA200IsAFailureWithTheVendorsMessage) {
  receiver.respond(
      hook_path(),
      {.body =
           R"({"code":19021,"data":{},"msg":"sign match fail or timestamp is not within one hour from current time"})",
       .content_type = "application/json"});
  auto sender = channel();
  ASSERT_TRUE(sender);

  const Delivery delivery = sender->deliver(disk_alert());

  EXPECT_FALSE(delivery.delivered);
  EXPECT_EQ(delivery.http_status, 200);
  EXPECT_EQ(delivery.detail,
            "Lark error 19021: sign match fail or timestamp is not within one hour from current "
            "time");
  EXPECT_NE(plugin.log().find("Lark error 19021"), std::string::npos) << plugin.log();
  EXPECT_NE(plugin.log().find("127.0.0.1:" + std::to_string(receiver.port())), std::string::npos)
      << plugin.log();
  expect_no_secrets(delivery);
}

TEST_F(Lark, TheOlderStatusCodeAnswerIsUnderstood) {
  receiver.respond(hook_path(),
                   {.body = R"({"Extra":null,"StatusCode":0,"StatusMessage":"success"})"});
  auto sender = channel();
  ASSERT_TRUE(sender);
  EXPECT_TRUE(sender->deliver(disk_alert()).delivered);

  receiver.respond(hook_path(), {.body = R"({"StatusCode":9499,"StatusMessage":"Bad Request"})"});
  const Delivery delivery = sender->deliver(disk_alert());
  EXPECT_FALSE(delivery.delivered);
  EXPECT_EQ(delivery.detail, "Lark error 9499: Bad Request");

  receiver.respond(hook_path(), {.body = "{}"});
  EXPECT_EQ(sender->deliver(disk_alert()).detail, "Lark answered without a code: {}");
}

TEST_F(Lark, A5xxAndA429AreFailuresWithStatusAndRetryAfter) {
  receiver.respond(hook_path(), {.status = 500, .body = "oops"});
  auto sender = channel();
  ASSERT_TRUE(sender);
  Delivery delivery = sender->deliver(disk_alert());
  EXPECT_FALSE(delivery.delivered);
  EXPECT_EQ(delivery.http_status, 500);
  EXPECT_EQ(delivery.retry_after_s, -1);
  EXPECT_EQ(delivery.detail, "HTTP 500: oops");

  receiver.respond(hook_path(), {.status = 429,
                                 .body = R"({"code":11232,"msg":"frequency limited"})",
                                 .headers = {{"Retry-After", "5"}}});
  delivery = sender->deliver(disk_alert());
  EXPECT_FALSE(delivery.delivered);
  EXPECT_EQ(delivery.http_status, 429);
  EXPECT_EQ(delivery.retry_after_s, 5);
  EXPECT_EQ(delivery.detail, R"(HTTP 429: {"code":11232,"msg":"frequency limited"})");
  expect_no_secrets(delivery);
}

TEST_F(Lark, AnUnreachableBotNamesOnlyHostAndPort) {
  Poco::UInt16 closed_port;
  {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    closed_port = socket.address().port();
  }
  const std::string where = "127.0.0.1:" + std::to_string(closed_port);
  Poco::JSON::Object fields;
  fields.set("token", kToken);
  fields.set("alertLarkURL", "http://" + where + "/open-apis/bot/v2/hook/");
  auto sender = plugin.make<AlertChannel>(fields);
  ASSERT_TRUE(sender);

  const Delivery delivery = sender->deliver(disk_alert());

  EXPECT_FALSE(delivery.delivered);
  EXPECT_EQ(delivery.detail, "connection refused by " + where);
  expect_no_secrets(delivery);
}

TEST_F(Lark, AMalformedTemplateFailsNamingTheLine) {
  Poco::JSON::Object fields;
  fields.set("alertTpl", "**{{title}}**\n{{message}\n");
  auto sender = channel(fields);
  ASSERT_TRUE(sender);
  const Delivery delivery = sender->deliver(disk_alert());
  EXPECT_FALSE(delivery.delivered);
  EXPECT_EQ(delivery.detail.rfind("alertTpl: line 2: ", 0), 0u) << delivery.detail;
  EXPECT_TRUE(receiver.requests().empty());
}

TEST_F(Lark, TheManifestRequiresTheHookIdAndChecksTheUrl) {
  ASSERT_TRUE(plugin.record());
  const auto& schema = plugin.record()->manifest->schema;
  auto refused = schema.apply(*parse_object(R"({"alertLarkURL": "feishu", "contacts": "1"})"));
  EXPECT_TRUE(refused.errors.count("token"));
  EXPECT_TRUE(refused.errors.count("alertLarkURL"));
  EXPECT_TRUE(refused.errors.count("contacts")) << "Lark has no contacts field (SPEC §8)";
  auto filled = schema.apply(*parse_object(R"({"token": "h"})"));
  ASSERT_TRUE(filled.ok());
  EXPECT_EQ(filled.values->getValue<std::string>("alertLarkURL"),
            "https://open.feishu.cn/open-apis/bot/v2/hook");
  EXPECT_EQ(filled.values->getValue<bool>("isAtAll"), false);
  EXPECT_EQ(filled.values->getValue<bool>("secretEnable"), false);
}

}  // namespace
}  // namespace warden::test
