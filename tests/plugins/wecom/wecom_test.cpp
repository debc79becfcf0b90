// The bundled wecom channel, loaded from the build's staged folder through the real registry,
// sending real requests to a real receiver that checks what WeCom's robot API would check.
#include "tests/support/bundled_plugin.hpp"
#include "tests/support/http_receiver.hpp"

#include <warden/alert_channel.hpp>

#include <Poco/JSON/Parser.h>
#include <Poco/Net/ServerSocket.h>

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <map>

namespace warden::test {
namespace {

constexpr const char* kToken = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa";

Poco::JSON::Object::Ptr parse_object(const std::string& text) {
  return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
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

class WeCom : public ::testing::Test {
 protected:
  std::shared_ptr<AlertChannel> channel(Poco::JSON::Object fields = Poco::JSON::Object()) {
    if (!fields.has("token")) fields.set("token", kToken);
    fields.set("alertWeComURL", receiver.url("/cgi-bin/webhook/send"));
    return plugin.make<AlertChannel>(fields);
  }

  void expect_no_token(const Delivery& delivery) {
    EXPECT_EQ(delivery.detail.find(kToken), std::string::npos) << delivery.detail;
    EXPECT_EQ(plugin.log().find(kToken), std::string::npos) << plugin.log();
  }

  void expect_webhook_request(const ReceivedRequest& got) {
    EXPECT_EQ(got.method, "POST");
    EXPECT_EQ(got.path, "/cgi-bin/webhook/send");
    const auto query = raw_query(got.uri);
    EXPECT_EQ(query.size(), 1u) << got.uri;
    EXPECT_EQ(query.count("key") ? query.at("key") : "", kToken) << got.uri;
    EXPECT_EQ(got.header("Content-Type"), "application/json; charset=utf-8");
  }

  HttpReceiver receiver;
  BundledPlugin plugin{"wecom"};
};

constexpr const char* kOk = R"({"errcode":0,"errmsg":"ok"})";

TEST_F(WeCom, PostsAMarkdownMessageWithoutMentionsWhenThereAreNone) {
  receiver.respond("/cgi-bin/webhook/send", {.body = kOk, .content_type = "application/json"});
  auto sender = channel();
  ASSERT_TRUE(sender);

  const Delivery delivery = sender->deliver(disk_alert());

  EXPECT_TRUE(delivery.delivered) << delivery.detail;
  EXPECT_EQ(delivery.http_status, 200);
  EXPECT_EQ(delivery.detail, kOk);
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u);
  expect_webhook_request(requests[0]);
  Poco::JSON::Object::Ptr body;
  ASSERT_NO_THROW(body = parse_object(requests[0].body)) << requests[0].body;
  EXPECT_EQ(body->size(), 2u) << requests[0].body;
  EXPECT_EQ(body->getValue<std::string>("msgtype"), "markdown");
  const auto markdown = body->getObject("markdown");
  ASSERT_TRUE(markdown) << requests[0].body;
  EXPECT_EQ(markdown->size(), 1u);
  const std::string content = markdown->getValue<std::string>("content");
  EXPECT_EQ(content.rfind("### Disk \"data\" full\n**disk**\n", 0), 0u) << content;
  for (const std::string line :
       {"\n> Source: <font color=\"comment\">etl-job</font>\n",
        "\n> Status: <font color=\"warning\">FAILED</font>\n",
        "\n> Severity: <font color=\"warning\">critical</font>\n",
        "\n> Started: <font color=\"comment\">2026-01-31T12:00:00+01:00</font>\n",
        "\n> Duration: <font color=\"comment\">3m 20s</font>\n",
        "\n> Restart: <font color=\"comment\">2 of 3</font>\n",
        "\n> Checkpoint failure-rate interval: <font color=\"comment\">600</font>\n",
        "\n> strategy_id: <font color=\"comment\">42</font>\n",
        "\nline one\nline two \\ \"done\"\n", "\n[Details](https://grafana.example.com/d/1)\n"})
    EXPECT_NE(content.find(line), std::string::npos) << "missing " << line << " in\n" << content;
  EXPECT_EQ(content.find("Ended"), std::string::npos) << content;
  expect_no_token(delivery);
}

TEST_F(WeCom, MentionsContactsInASecondTextMessage) {
  receiver.respond("/cgi-bin/webhook/send", {.body = kOk});
  Poco::JSON::Object fields;
  fields.set("contacts", "13800000000\n+8613900000001");
  auto sender = channel(fields);
  ASSERT_TRUE(sender);
  Alert alert = disk_alert();
  alert.at_mobiles = {"13700000002"};
  alert.at_all = true;

  const Delivery delivery = sender->deliver(alert);

  EXPECT_TRUE(delivery.delivered) << delivery.detail;
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 2u);
  expect_webhook_request(requests[0]);
  expect_webhook_request(requests[1]);
  EXPECT_EQ(parse_object(requests[0].body)->getValue<std::string>("msgtype"), "markdown");
  Poco::JSON::Object::Ptr body;
  ASSERT_NO_THROW(body = parse_object(requests[1].body)) << requests[1].body;
  EXPECT_EQ(body->size(), 2u) << requests[1].body;
  EXPECT_EQ(body->getValue<std::string>("msgtype"), "text");
  const auto text = body->getObject("text");
  ASSERT_TRUE(text) << requests[1].body;
  EXPECT_EQ(text->getValue<std::string>("content"), "Disk \"data\" full (FAILED)");
  EXPECT_EQ(strings_of(text->getArray("mentioned_mobile_list")),
            (std::vector<std::string>{"13800000000", "+8613900000001", "13700000002", "@all"}));
  expect_no_token(delivery);
}

TEST_F(WeCom, AnErrcodeInsideA200IsAFailureWithTheVendorsMessage) {
  receiver.respond(
      "/cgi-bin/webhook/send",
      {.body = R"({"errcode":93000,"errmsg":"invalid webhook url, hint: [1700000000]"})",
       .content_type = "application/json"});
  Poco::JSON::Object fields;
  fields.set("contacts", "13800000000");
  auto sender = channel(fields);
  ASSERT_TRUE(sender);

  const Delivery delivery = sender->deliver(disk_alert());

  EXPECT_FALSE(delivery.delivered);
  EXPECT_EQ(delivery.http_status, 200);
  EXPECT_EQ(delivery.detail, "WeCom error 93000: invalid webhook url, hint: [1700000000]");
  EXPECT_EQ(receiver.requests().size(), 1u) << "no mention after a failed markdown message";
  EXPECT_NE(plugin.log().find("WeCom error 93000"), std::string::npos) << plugin.log();
  expect_no_token(delivery);
}

TEST_F(WeCom, AFailedMentionFailsTheDelivery) {
  // The markdown message is answered "ok" (late); the mention, sent after that answer, meets the
  // error the test sets meanwhile (the receiver picks its answer when a request arrives).
  receiver.respond("/cgi-bin/webhook/send", {.body = kOk, .delay = std::chrono::seconds(1)});
  Poco::JSON::Object fields;
  fields.set("contacts", "13800000000");
  auto sender = channel(fields);
  ASSERT_TRUE(sender);

  auto delivering = std::async(std::launch::async, [&] { return sender->deliver(disk_alert()); });
  ASSERT_TRUE(receiver.wait_for(1));
  receiver.respond("/cgi-bin/webhook/send",
                   {.body = R"({"errcode":45009,"errmsg":"api freq out of limit"})"});
  const Delivery delivery = delivering.get();

  EXPECT_FALSE(delivery.delivered);
  EXPECT_EQ(delivery.detail,
            "the markdown message was delivered, the mention was not: WeCom error 45009: api freq "
            "out of limit");
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(parse_object(requests[1].body)->getValue<std::string>("msgtype"), "text");
  expect_no_token(delivery);
}

TEST_F(WeCom, A5xxAndA429AreFailuresWithStatusAndRetryAfter) {
  receiver.respond("/cgi-bin/webhook/send", {.status = 502, .body = "bad gateway"});
  auto sender = channel();
  ASSERT_TRUE(sender);
  Delivery delivery = sender->deliver(disk_alert());
  EXPECT_FALSE(delivery.delivered);
  EXPECT_EQ(delivery.http_status, 502);
  EXPECT_EQ(delivery.retry_after_s, -1);
  EXPECT_EQ(delivery.detail, "HTTP 502: bad gateway");

  receiver.respond("/cgi-bin/webhook/send",
                   {.status = 429, .body = "slow down", .headers = {{"Retry-After", "12"}}});
  delivery = sender->deliver(disk_alert());
  EXPECT_FALSE(delivery.delivered);
  EXPECT_EQ(delivery.http_status, 429);
  EXPECT_EQ(delivery.retry_after_s, 12);
  expect_no_token(delivery);
}

TEST_F(WeCom, AnUnreachableRobotNamesOnlyHostAndPort) {
  Poco::UInt16 closed_port;
  {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    closed_port = socket.address().port();
  }
  const std::string where = "127.0.0.1:" + std::to_string(closed_port);
  Poco::JSON::Object fields;
  fields.set("token", kToken);
  fields.set("alertWeComURL", "http://" + where + "/cgi-bin/webhook/send");
  auto sender = plugin.make<AlertChannel>(fields);
  ASSERT_TRUE(sender);

  const Delivery delivery = sender->deliver(disk_alert());

  EXPECT_FALSE(delivery.delivered);
  EXPECT_EQ(delivery.detail, "connection refused by " + where);
  expect_no_token(delivery);
}

TEST_F(WeCom, AMalformedTemplateFailsNamingTheLine) {
  Poco::JSON::Object fields;
  fields.set("alertTpl", "# {{title}}\n\n{{#message}}\n{{message}}\n");
  auto sender = channel(fields);
  ASSERT_TRUE(sender);

  const Delivery delivery = sender->deliver(disk_alert());

  EXPECT_FALSE(delivery.delivered);
  EXPECT_EQ(delivery.detail, "alertTpl: line 3: Unclosed section \"message\"");
  EXPECT_TRUE(receiver.requests().empty());
}

TEST_F(WeCom, AContactThatIsNotAMobileFailsNamingIt) {
  Poco::JSON::Object fields;
  fields.set("contacts", "1380000");
  auto sender = channel(fields);
  ASSERT_TRUE(sender);
  const Delivery delivery = sender->deliver(disk_alert());
  EXPECT_FALSE(delivery.delivered);
  EXPECT_EQ(delivery.detail, "contacts: \"1380000\" is not a mobile phone number");
  EXPECT_TRUE(receiver.requests().empty());
}

TEST_F(WeCom, ALongMessageIsCutAtWeComsLimit) {
  receiver.respond("/cgi-bin/webhook/send", {.body = kOk});
  Poco::JSON::Object fields;
  fields.set("alertTpl", "{{message}}");
  auto sender = channel(fields);
  ASSERT_TRUE(sender);
  Alert alert = disk_alert();
  alert.message = std::string(4095, 'x') + "\xE4\xB8\xAD";  // a 3-byte character across 4096

  EXPECT_TRUE(sender->deliver(alert).delivered);
  ASSERT_EQ(receiver.requests().size(), 1u);
  const auto content = parse_object(receiver.requests()[0].body)
                           ->getObject("markdown")
                           ->getValue<std::string>("content");
  EXPECT_EQ(content, std::string(4095, 'x'));
}

TEST_F(WeCom, TheManifestRequiresTheKeyAndChecksTheUrl) {
  ASSERT_TRUE(plugin.record());
  const auto& schema = plugin.record()->manifest->schema;
  auto refused = schema.apply(*parse_object(R"({"alertWeComURL": "qyapi.weixin.qq.com"})"));
  EXPECT_TRUE(refused.errors.count("token"));
  EXPECT_TRUE(refused.errors.count("alertWeComURL"));
  auto filled = schema.apply(*parse_object(R"({"token": "k"})"));
  ASSERT_TRUE(filled.ok());
  EXPECT_EQ(filled.values->getValue<std::string>("alertWeComURL"),
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send");
  EXPECT_FALSE(filled.values->getValue<std::string>("alertTpl").empty());
}

}  // namespace
}  // namespace warden::test
