// Channel instances against the real bundled manifests and a real SQLite file.
#include "tests/host/alerts/alert_fixture.hpp"

namespace warden::host::test_alerts {
namespace {

class ChannelInstancesTest : public AlertFixture {
 protected:
  std::map<std::string, std::string> refusal(const std::string& name, const std::string& body,
                                             std::string* message = nullptr) {
    bool created = false;
    try {
      service->channels().put(name, *parse_object(body), created);
    } catch (const RequestError& e) {
      if (message) *message = e.what();
      return e.errors();
    }
    ADD_FAILURE() << "accepted: " << body;
    return {};
  }
};

TEST_F(ChannelInstancesTest, SavedCheckedStoredAndMaskedOnRead) {
  auto saved = put_channel("ops-ding", R"({"channel": "dingtalk", "config": {"token": "s3cret",
      "secretEnable": "true", "secretToken": "sign-me"}, "delivery": {"attempts": 5, "timeout": 2.5}})");
  ASSERT_TRUE(saved);
  EXPECT_EQ(saved->config->getValue<std::string>("token"), "s3cret");
  EXPECT_EQ(saved->config->getValue<bool>("secretEnable"), true);  // coerced
  EXPECT_EQ(saved->config->getValue<std::string>("alertDingURL"),
            "https://oapi.dingtalk.com/robot/send");  // default filled
  EXPECT_EQ(saved->delivery.attempts, 5);
  EXPECT_EQ(saved->delivery.timeout_ms, 2500);

  auto shown = service->channels().masked_config(*saved);
  EXPECT_EQ(shown->getValue<std::string>("token"), "******");
  EXPECT_EQ(shown->getValue<std::string>("secretToken"), "******");
  EXPECT_TRUE(service->channels().plugin_loaded(*saved));

  // An update that sends the mask back keeps the stored secret.
  put_channel("ops-ding", R"({"channel": "dingtalk", "enabled": false, "config": {"token": "******",
      "secretEnable": true, "secretToken": "******"}})");
  open();  // as after a restart
  auto reread = service->channels().find("ops-ding");
  ASSERT_TRUE(reread);
  EXPECT_FALSE(reread->enabled);
  EXPECT_EQ(reread->config->getValue<std::string>("token"), "s3cret");
  EXPECT_EQ(reread->config->getValue<std::string>("secretToken"), "sign-me");
  EXPECT_EQ(reread->delivery.attempts, 3);  // the update left it out: the default
  EXPECT_TRUE(service->channels().enabled_names().empty());

  EXPECT_TRUE(service->channels().remove("ops-ding"));
  EXPECT_FALSE(service->channels().remove("ops-ding"));
  open();
  EXPECT_EQ(service->channels().find("ops-ding"), nullptr);
}

TEST_F(ChannelInstancesTest, EveryProblemIsReportedAtOnce) {
  std::string message;
  auto errors = refusal("x", R"({"channel": "dingtalk", "config": {"alertDingURL": "ftp://x",
      "colour": 1}, "delivery": {"attempts": 0, "speed": 1}, "extra": 1})",
                        &message);
  EXPECT_EQ(message, "invalid channel \"x\"");
  EXPECT_TRUE(errors.contains("config.token")) << errors.size();
  EXPECT_TRUE(errors.contains("config.alertDingURL"));
  EXPECT_TRUE(errors.contains("config.colour"));
  EXPECT_TRUE(errors.contains("delivery.attempts"));
  EXPECT_TRUE(errors.contains("delivery.speed"));
  EXPECT_TRUE(errors.contains("extra"));

  errors = refusal("x", R"({"channel": "sleep", "config": {}})");
  EXPECT_EQ(errors["channel"].substr(0, 30), "unknown alert channel \"sleep\" ");
  errors = refusal("x", R"({"config": {}})");
  EXPECT_TRUE(errors.contains("channel"));
  bool created = false;
  EXPECT_THROW(service->channels().put("bad name!", *parse_object("{}"), created), RequestError);
}

TEST_F(ChannelInstancesTest, ATemplateThatCannotRenderIsRefusedWithItsLine) {
  auto errors =
      refusal("cb", callback_channel("http://127.0.0.1:9/x", "{}",
                                     R"(, "alertTpl": "{\"a\": 1,\n\"b\": \"{{#title}}\"\n}")"));
  ASSERT_TRUE(errors.contains("config.alertTpl"));
  EXPECT_EQ(errors["config.alertTpl"].substr(0, 7), "line 2:") << errors["config.alertTpl"];
}

}  // namespace
}  // namespace warden::host::test_alerts
