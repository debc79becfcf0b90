// The bundled http_callback channel, built and staged by the build, loaded through the registry and
// sending real requests to a real receiver.
#include "host/plugins/plugin_registry.hpp"
#include "host/services/host_services_impl.hpp"
#include "host/services/spdlog_logger.hpp"
#include "tests/support/http_receiver.hpp"
#include "tests/support/temp_dir.hpp"

#include <warden/alert_channel.hpp>

#include <Poco/JSON/Parser.h>
#include <Poco/Net/ServerSocket.h>

#include <gtest/gtest.h>

namespace warden::host {
namespace {
namespace fs = std::filesystem;

using test::HttpReceiver;

Poco::JSON::Object::Ptr parse_object(const std::string& text) {
  return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
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
  alert.message = "line one\nline two \\ done";
  alert.labels = {{"strategy_id", "42"}, {"bk_biz_id", "7"}};
  alert.restart = true;
  alert.total_restart = 3;
  return alert;
}

class HttpCallback : public ::testing::Test {
 protected:
  void SetUp() override {
    test::copy_folder(fs::path(WARDEN_STAGED_PLUGINS_DIR) / "http_callback",
                      plugins.path() / "http_callback");
    registry.reload();
    record = registry.find("http_callback");
    ASSERT_TRUE(record);
    std::string problems;
    for (const auto& p : record->problems) problems += p.to_string() + "\n";
    ASSERT_TRUE(record->loaded()) << problems;
    ASSERT_EQ(record->manifest->kind, Kind::alert_channel);
  }

  /// A channel instance configured with `fields` (checked and completed by the manifest).
  std::shared_ptr<AlertChannel> channel(const std::string& fields) {
    auto checked = record->manifest->schema.apply(*parse_object(fields));
    std::string errors;
    for (const auto& [field, error] : checked.errors) errors += field + ": " + error + "\n";
    EXPECT_TRUE(checked.ok()) << errors;
    std::string error;
    auto made = record->library->create_as<AlertChannel>(error);
    EXPECT_TRUE(made) << error;
    if (made) made->bind(services, Config(checked.values));
    return made;
  }

  /// A channel whose `headers` were stored as they are, unchecked (saved by an older version).
  std::shared_ptr<AlertChannel> channel_bypassing_checks(const std::string& path,
                                                         const std::string& headers) {
    auto checked = record->manifest->schema.apply(*parse_object("{" + url_field(path) + "}"));
    EXPECT_TRUE(checked.ok());
    checked.values->set("headers", headers);
    std::string error;
    auto made = record->library->create_as<AlertChannel>(error);
    EXPECT_TRUE(made) << error;
    if (made) made->bind(services, Config(checked.values));
    return made;
  }

  std::string url_field(const std::string& path) {
    return R"("url": ")" + receiver.url(path) + R"(")";
  }

  test::TempDir plugins;
  PluginRegistry registry{{plugins.path()}};
  std::shared_ptr<const PluginRecord> record;
  HostServicesImpl services{make_shared_services(), plugin_log_tag("http_callback")};
  HttpReceiver receiver;
};

TEST_F(HttpCallback, PostsTheDefaultJsonTemplateWithHeaders) {
  receiver.respond("/hook", {.body = R"({"accepted": true})"});
  auto sender =
      channel("{" + url_field("/hook") + R"(, "headers": "X-Token: abc123\n\nX-Env:  prod  \n"})");
  ASSERT_TRUE(sender);

  Delivery delivery = sender->deliver(disk_alert());

  EXPECT_TRUE(delivery.delivered) << delivery.detail;
  EXPECT_EQ(delivery.http_status, 200);
  EXPECT_EQ(delivery.detail, R"({"accepted": true})");
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& got = requests[0];
  EXPECT_EQ(got.method, "POST");
  EXPECT_EQ(got.path, "/hook");
  EXPECT_EQ(got.header("Content-Type"), "application/json");
  EXPECT_EQ(got.header("X-Token"), "abc123");
  EXPECT_EQ(got.header("X-Env"), "prod");

  Poco::JSON::Object::Ptr body;
  ASSERT_NO_THROW(body = parse_object(got.body)) << got.body;
  EXPECT_EQ(body->getValue<std::string>("title"), "Disk \"data\" full");
  EXPECT_EQ(body->getValue<std::string>("message"), "line one\nline two \\ done");
  EXPECT_EQ(body->getValue<std::string>("type"), "job_state");
  EXPECT_EQ(body->getValue<std::string>("status"), "FAILED");
  EXPECT_EQ(body->getValue<std::string>("severity"), "critical");
  EXPECT_EQ(body->getValue<std::string>("start_time"), "2026-01-31T12:00:00+01:00");
  EXPECT_EQ(body->getValue<bool>("restart"), true);
  EXPECT_EQ(body->getValue<int>("total_restart"), 3);
  EXPECT_EQ(body->getObject("labels")->getValue<std::string>("strategy_id"), "42");
  EXPECT_EQ(body->getObject("labels")->getValue<std::string>("bk_biz_id"), "7");
  EXPECT_EQ(body->getValue<std::string>("dedupe_key"), "etl-job|job_state|FAILED");
}

TEST_F(HttpCallback, PutsAPlainTextBodyUnescaped) {
  auto sender = channel("{" + url_field("/text") + R"(, "method": "PUT",
      "contentType": "text/plain; charset=utf-8",
      "alertTpl": "{{title}} [{{#labels}}{{strategy_id}}{{/labels}}]\n{{message}}"})");
  ASSERT_TRUE(sender);

  Delivery delivery = sender->deliver(disk_alert());

  EXPECT_TRUE(delivery.delivered) << delivery.detail;
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& got = requests[0];
  EXPECT_EQ(got.method, "PUT");
  EXPECT_EQ(got.header("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(got.body, "Disk \"data\" full [42]\nline one\nline two \\ done");
}

TEST_F(HttpCallback, AVendorJsonTypeIsEscapedAsJson) {
  auto sender = channel("{" + url_field("/v") + R"(, "contentType": "application/vnd.ops+json",
      "alertTpl": "{\"text\": \"{{message}}\"}"})");
  ASSERT_TRUE(sender);
  EXPECT_TRUE(sender->deliver(disk_alert()).delivered);
  ASSERT_EQ(receiver.requests().size(), 1u);
  EXPECT_EQ(receiver.requests()[0].body, R"({"text": "line one\nline two \\ done"})");
}

TEST_F(HttpCallback, AContentTypeHeaderLineDoesNotOverrideContentType) {
  auto sender = channel("{" + url_field("/h") + R"(, "headers": "Content-Type: text/html"})");
  ASSERT_TRUE(sender);
  EXPECT_TRUE(sender->deliver(disk_alert()).delivered);
  ASSERT_EQ(receiver.requests().size(), 1u);
  EXPECT_EQ(receiver.requests()[0].header("Content-Type"), "application/json");
}

TEST_F(HttpCallback, ARefusalCarriesStatusRetryAfterAndTheTruncatedAnswer) {
  receiver.respond(
      "/busy", {.status = 429, .body = std::string(3000, 'e'), .headers = {{"Retry-After", "17"}}});
  auto sender = channel("{" + url_field("/busy") + "}");
  ASSERT_TRUE(sender);

  Delivery delivery = sender->deliver(disk_alert());

  EXPECT_FALSE(delivery.delivered);
  EXPECT_EQ(delivery.http_status, 429);
  EXPECT_EQ(delivery.retry_after_s, 17);
  EXPECT_EQ(delivery.detail, std::string(2048, 'e'));
}

TEST_F(HttpCallback, AnUnreachableUrlIsAFailedDelivery) {
  Poco::UInt16 closed_port;
  {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    closed_port = socket.address().port();
  }
  const std::string where = "127.0.0.1:" + std::to_string(closed_port);
  auto sender = channel(R"({"url": "http://)" + where + R"(/hook"})");
  ASSERT_TRUE(sender);

  Delivery delivery = sender->deliver(disk_alert());

  EXPECT_FALSE(delivery.delivered);
  EXPECT_EQ(delivery.http_status, 0);
  EXPECT_EQ(delivery.detail, "connection refused by " + where);
}

TEST_F(HttpCallback, AMalformedTemplateFailsWithoutARequest) {
  auto sender =
      channel("{" + url_field("/x") + R"(, "alertTpl": "{\n  \"t\": \"{{#labels}}\"\n}"})");
  ASSERT_TRUE(sender);

  Delivery delivery = sender->deliver(disk_alert());

  EXPECT_FALSE(delivery.delivered);
  EXPECT_EQ(delivery.detail, "alertTpl: line 2: Unclosed section \"labels\"");
  EXPECT_TRUE(receiver.requests().empty());
}

TEST_F(HttpCallback, StoredHeadersThatCannotBeSentFailWithoutARequest) {
  // Saved before the manifest checked them: the plugin and the HTTP client still refuse them.
  const auto fails_with = [&](const std::string& headers, const std::string& detail) {
    auto sender = channel_bypassing_checks("/x", headers);
    ASSERT_TRUE(sender);
    Delivery delivery = sender->deliver(disk_alert());
    EXPECT_FALSE(delivery.delivered);
    EXPECT_EQ(delivery.detail, detail);
  };
  fails_with("X-Ok: 1\nnot a header", "headers line 2: expected \"Name: value\"");
  fails_with("Content-Length: 5",
             "header Content-Length is the HTTP client's to set, not a plugin's");
  fails_with("Transfer-Encoding: chunked",
             "header Transfer-Encoding is the HTTP client's to set, not a plugin's");
  fails_with("X-A: a\rb", "invalid value of header X-A (a line break or control character)");
  EXPECT_TRUE(receiver.requests().empty());
}

TEST_F(HttpCallback, TheManifestRefusesHeadersThatCannotBeSent) {
  const auto errors_of = [&](const std::string& fields) {
    return record->manifest->schema
        .apply(*parse_object("{" + url_field("/x") + ", " + fields + "}"))
        .errors;
  };
  for (const char* headers :
       {"Host: evil.example", "Content-Length: 5", "Transfer-Encoding: chunked",
        "Connection: close", "TE: trailers", "Upgrade: h2c", "Bad Name: x", "X-A: a\\rb",
        "X-A: a\\u0000b", "X-Ok: 1\\nnot a header"}) {
    const auto errors = errors_of(std::string(R"("headers": ")") + headers + "\"");
    EXPECT_EQ(errors.size(), 1u) << headers;
    EXPECT_EQ(errors.count("headers"), 1u) << headers;
  }
  const auto errors = errors_of(R"("contentType": "application/json\r\nX-Evil: 1")");
  EXPECT_EQ(errors.count("contentType"), 1u);
  EXPECT_TRUE(errors_of(R"("headers": "Authorization: Bearer t\r\nX-B: 2\r\n")").empty());
}

TEST_F(HttpCallback, HeadersAreASecretField) {
  // They hold `Authorization: Bearer …`: read endpoints show ******.
  EXPECT_TRUE(record->manifest->schema.find("headers")->is_secret());
  EXPECT_FALSE(record->manifest->schema.find("contentType")->is_secret());
}

TEST_F(HttpCallback, TheManifestRefusesAnotherMethodAndAMissingUrl) {
  auto checked = record->manifest->schema.apply(*parse_object(R"({"method": "GET"})"));
  EXPECT_TRUE(checked.errors.count("method"));
  EXPECT_TRUE(checked.errors.count("url"));
}

}  // namespace
}  // namespace warden::host
