// The notice action kind: its params checked when a policy is saved, and an attempt raised through
// a real notice pipeline to an http_callback channel instance posting to a real receiver.
#include "host/automation/kinds/notice_action.hpp"
#include "host/services/mustache_renderer.hpp"
#include "tests/host/alerts/alert_fixture.hpp"
#include "tests/host/automation/kinds/kind_inputs.hpp"
#include "tests/support/http_receiver.hpp"

namespace warden::host::test_alerts {
namespace {

using namespace std::chrono_literals;
using test_kinds::action_of;
using test_kinds::check;
using test_kinds::data_of;
using test_kinds::disk_alert;
using test_kinds::listed;

class NoticeActionTest : public AlertFixture {
 protected:
  void SetUp() override {
    AlertFixture::SetUp();
    service->start();
    notice = std::make_unique<NoticeAction>(service->pipeline(), service->channels(), renderer);
    put_channel("oncall", callback_channel(receiver.url("/oncall")));
  }

  ActionAttempt run(const ActionRecord& action, const std::vector<Alert>& alerts,
                    std::int64_t repeat = 1) {
    const auto data = data_of(action, alerts, repeat);
    return notice->run({action, data, alerts.front()});
  }

  /// The alerts the receiver got, as the channel's default body carries them.
  std::vector<Poco::JSON::Object::Ptr> received(std::size_t count) {
    EXPECT_TRUE(receiver.wait_for(count, 60s)) << "fewer than " << count << " requests";
    std::vector<Poco::JSON::Object::Ptr> out;
    for (const auto& r : receiver.requests()) out.push_back(parse_object(r.body));
    return out;
  }

  test::HttpReceiver receiver;
  MustacheRenderer renderer;
  std::unique_ptr<NoticeAction> notice;  // over the service SetUp opens
};

TEST_F(NoticeActionTest, AcceptsAWholeRepeatingNotice) {
  const auto errors = check(*notice, R"({"channels": ["oncall"], "mode": "incremental",
      "interval": 60, "multiplier": 2, "max_interval": 3600, "max_times": 10,
      "templates": {"abnormal": {"title": "FIRING {{title}}", "message": "{{message}}"},
                    "recovered": {"title": "RESOLVED {{title}}"}},
      "group_by": ["cluster"], "group_wait": 30})");
  EXPECT_TRUE(errors.empty()) << listed(errors);
  EXPECT_TRUE(check(*notice, R"({"channels": ["oncall"]})").empty());
}

TEST_F(NoticeActionTest, RefusesEveryBadFieldAtOnce) {
  const auto errors = check(*notice, R"({"channels": ["oncall", "nowhere", 3], "mode": "sometimes",
      "interval": 0, "max_times": 0, "multiplier": 0.5, "max_interval": -1,
      "templates": {"abnormal": {"title": "{{#open}} never closed", "colour": "red"},
                    "sideways": {"title": "x"}, "recovered": "RESOLVED"},
      "group_by": "cluster", "group_wait": -1, "colour": "red"})");
  const std::vector<std::string> places{"actions[0].channels[1]",
                                        "actions[0].channels[2]",
                                        "actions[0].mode",
                                        "actions[0].interval",
                                        "actions[0].max_times",
                                        "actions[0].multiplier",
                                        "actions[0].max_interval",
                                        "actions[0].templates.abnormal.title",
                                        "actions[0].templates.abnormal.colour",
                                        "actions[0].templates.sideways",
                                        "actions[0].templates.recovered",
                                        "actions[0].group_by",
                                        "actions[0].group_wait",
                                        "actions[0].colour"};
  for (const auto& place : places)
    EXPECT_TRUE(errors.count(place)) << place << "\n" << listed(errors);
  EXPECT_EQ(errors.size(), places.size()) << listed(errors);
  EXPECT_NE(errors.at("actions[0].channels[1]").find("nowhere"), std::string::npos);
  EXPECT_NE(errors.at("actions[0].templates.abnormal.title").find("line 1"), std::string::npos)
      << errors.at("actions[0].templates.abnormal.title");
}

TEST_F(NoticeActionTest, RefusesWhatTheModeDoesNotAllow) {
  auto errors = check(*notice, R"({"channels": ["oncall"], "mode": "interval"})");
  EXPECT_TRUE(errors.count("actions[0].interval")) << listed(errors);
  errors = check(*notice, R"({"channels": ["oncall"], "max_times": 3})");
  EXPECT_TRUE(errors.count("actions[0].max_times")) << listed(errors);
  errors = check(*notice, R"({"channels": ["oncall"], "mode": "incremental", "interval": 60,
      "max_interval": 30})");
  EXPECT_TRUE(errors.count("actions[0].max_interval")) << listed(errors);
  errors = check(*notice, R"({"channels": []})");
  EXPECT_TRUE(errors.count("actions[0].channels")) << listed(errors);
  errors = check(*notice, R"({})");
  EXPECT_TRUE(errors.count("actions[0].channels")) << listed(errors);
}

TEST_F(NoticeActionTest, RaisesTheSignalsTemplatesToItsChannels) {
  const auto action = action_of("notice", R"({"channels": ["oncall"], "templates": {
      "abnormal": {"title": "FIRING {{title}} [{{labels.env}}]", "message": "repeat {{repeat}}"},
      "recovered": {
  "title" : "RESOLVED {{title}}"
}
}
})");
  const auto attempt = run(action, {disk_alert()});
  ASSERT_EQ(attempt.outcome, ActionAttempt::Outcome::success) << attempt.message;
  ASSERT_EQ(attempt.notice_ids.size(), 1u);
  const auto notice = wait_status(attempt.notice_ids[0], "sent", 60s);
  EXPECT_EQ(notice.status, "sent") << notice.error;
  EXPECT_EQ(notice.origin, "policy:disk");
  const auto body = received(1).at(0);
  EXPECT_EQ(body->getValue<std::string>("title"), "FIRING Disk full on db-1 [production]");
  EXPECT_EQ(body->getValue<std::string>("message"), "repeat 1");
  EXPECT_EQ(body->getObject("labels")->getValue<std::string>("team"), "storage")
      << "the alert's labels go along";

  const auto recovered = action_of("notice", R"({"channels": ["oncall"], "templates": {
      "recovered": {"title": "RESOLVED {{title}}"}}})",
                                   "recovered");
  ASSERT_EQ(run(recovered, {disk_alert()}).outcome, ActionAttempt::Outcome::success);
  const auto second = received(2).at(1);
  EXPECT_EQ(second->getValue<std::string>("title"), "RESOLVED Disk full on db-1");
  EXPECT_EQ(second->getValue<std::string>("message"), "98% used")
      << "no message template for the signal: the alert's own";
}

TEST_F(NoticeActionTest, EachRepeatIsItsOwnNoticeEvenThroughADedupeWindow) {
  put_channel("windowed",
              callback_channel(receiver.url("/windowed"), R"({"dedupe_window": 3600})"));
  const auto action = action_of("notice", R"({"channels": ["windowed"]})");
  const auto first = run(action, {disk_alert()}, 1);
  const auto second = run(action, {disk_alert()}, 2);
  ASSERT_EQ(first.outcome, ActionAttempt::Outcome::success) << first.message;
  ASSERT_EQ(second.outcome, ActionAttempt::Outcome::success) << second.message;
  EXPECT_NE(first.notice_ids.at(0), second.notice_ids.at(0));
  EXPECT_EQ(service->pipeline().find(second.notice_ids.at(0))->aggregated, 1)
      << "the second repeat did not join the first one's window";
}

TEST_F(NoticeActionTest, AnAggregatedNoticeListsItsAlerts) {
  const auto action = action_of("notice", R"({"channels": ["oncall"], "group_by": ["env"],
      "group_wait": 30})");
  const auto attempt = run(action, {disk_alert("db-1"), disk_alert("db-2"), disk_alert("db-3")});
  ASSERT_EQ(attempt.outcome, ActionAttempt::Outcome::success) << attempt.message;
  const auto body = received(1).at(0);
  EXPECT_EQ(body->getValue<std::string>("title"), "3 alerts: disk");
  EXPECT_EQ(body->getValue<std::string>("message"),
            "- Disk full on db-1\n- Disk full on db-2\n- Disk full on db-3");

  const auto templated = action_of("notice", R"({"channels": ["oncall"], "templates": {
      "abnormal": {"title": "{{alert_count}} disks full", "message":
      "{{#alerts}}{{labels.host}} {{/alerts}}"}}})");
  ASSERT_EQ(run(templated, {disk_alert("db-1"), disk_alert("db-2")}).outcome,
            ActionAttempt::Outcome::success);
  const auto second = received(2).at(1);
  EXPECT_EQ(second->getValue<std::string>("title"), "2 disks full");
  EXPECT_EQ(second->getValue<std::string>("message"), "db-1 db-2 ");
}

TEST_F(NoticeActionTest, AChannelGoneSinceTheSaveIsAFailureThatSaysSo) {
  const auto attempt = run(action_of("notice", R"({"channels": ["deleted"]})"), {disk_alert()});
  EXPECT_EQ(attempt.outcome, ActionAttempt::Outcome::failure);
  EXPECT_NE(attempt.message.find("deleted"), std::string::npos) << attempt.message;
  EXPECT_TRUE(attempt.notice_ids.empty());
}

TEST_F(NoticeActionTest, ATemplateThatFailsOnTheAlertIsAFailure) {
  const auto attempt = run(action_of("notice", R"({"channels": ["oncall"], "templates":
      {"abnormal": {"title": "{{#broken}}"}}})"),
                           {disk_alert()});
  EXPECT_EQ(attempt.outcome, ActionAttempt::Outcome::failure);
  EXPECT_NE(attempt.message.find("title template"), std::string::npos) << attempt.message;
}

}  // namespace
}  // namespace warden::host::test_alerts
