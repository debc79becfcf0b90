// The notice pipeline with real parts: the bundled http_callback plugin, real HTTP receivers on
// 127.0.0.1 and SQLite.
#include "host/alerts/alert_json.hpp"
#include "host/alerts/notice_store.hpp"
#include "tests/host/alerts/alert_fixture.hpp"
#include "tests/support/http_receiver.hpp"

#include <Poco/Data/Session.h>
#include <Poco/Net/ServerSocket.h>

#include <algorithm>
#include <map>

namespace warden::host::test_alerts {
namespace {

using namespace std::chrono_literals;
using test::CannedResponse;
using test::HttpReceiver;

/// A loopback port nothing listens on (connections are refused).
std::string dead_url() {
  int port = 0;
  {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    port = socket.address().port();
  }
  return "http://127.0.0.1:" + std::to_string(port) + "/hook";
}

class NoticePipelineTest : public AlertFixture {
 protected:
  void SetUp() override {
    AlertFixture::SetUp();
    service->start();
  }
  NoticePipeline& pipeline() { return service->pipeline(); }

  /// The error of the first of `ids` charged an attempt for a failed probe of its down channel
  /// (the probe itself carries the transport error), or "" after 10 s. Such charges are kept in
  /// memory, so this reads through the pipeline, as GET /api/notifications does.
  std::string charged_for_a_probe(const std::vector<std::string>& ids) {
    for (int round = 0; round < 1000; ++round) {
      for (const auto& id : ids) {
        const auto error = pipeline().find(id)->error;
        if (error.find("is down") != std::string::npos) return error;
      }
      std::this_thread::sleep_for(10ms);
    }
    return "";
  }

  /// Raises `n` alerts to a channel instance "dead" (10 attempts, 0.05 s backoff) whose URL refuses
  /// connections, and waits until a failed probe has charged them; their ids, or none after 10 s.
  std::vector<std::string> park_behind_a_dead_channel(int n) {
    put_channel("dead", callback_channel(dead_url(), R"({"attempts": 10, "backoff": 0.05,
        "max_backoff": 0.1})"));
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i)
      ids.push_back(pipeline().raise(alert("x" + std::to_string(i)), {"dead"}, "api")[0].notice_id);
    if (charged_for_a_probe(ids).empty()) return {};
    return ids;
  }

  HttpReceiver receiver;
};

TEST_F(NoticePipelineTest, AnAlertIsStoredSentAndListed) {
  put_channel("hook", callback_channel(receiver.url("/hook")));
  auto notices = pipeline().raise(alert("Disk full"), {"hook"}, "api");
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].status, "created");
  auto sent = wait_status(notices[0].notice_id, "sent");
  EXPECT_EQ(sent.status, "sent");
  EXPECT_EQ(sent.attempts, 1);
  EXPECT_EQ(sent.http_status, 200);
  EXPECT_EQ(sent.detail, "ok");
  ASSERT_TRUE(receiver.wait_for(1));
  auto body = parse_object(receiver.requests()[0].body);
  EXPECT_EQ(body->getValue<std::string>("title"), "Disk full");
  EXPECT_EQ(body->getObject("labels")->getValue<std::string>("strategy_id"), "12345");

  NoticeQuery query;
  query.channel_name = "hook";
  query.status = "sent";
  auto page = service->notices().list(query);
  EXPECT_EQ(page.total, 1);
  query.status = "failed";
  EXPECT_EQ(service->notices().list(query).total, 0);
}

TEST_F(NoticePipelineTest, EveryEnabledInstanceWhenNoneIsNamed) {
  HttpReceiver other;
  put_channel("a", callback_channel(receiver.url("/a")));
  put_channel("b", callback_channel(other.url("/b")));
  put_channel(
      "off",
      R"({"channel": "http_callback", "enabled": false, "config": {"url": "http://127.0.0.1:9/"}})");
  auto notices = pipeline().raise(alert("All"), {}, "api");
  ASSERT_EQ(notices.size(), 2u);
  EXPECT_EQ(pipeline().raise(alert("Twice named"), {"a", "a"}, "api").size(), 1u);
  EXPECT_TRUE(receiver.wait_for(2));
  EXPECT_TRUE(other.wait_for(1));
  EXPECT_THROW(pipeline().raise(alert("x"), {"off"}, "api"), RequestError);
  EXPECT_THROW(pipeline().raise(alert("x"), {"nope"}, "api"), RequestError);
}

TEST_F(NoticePipelineTest, RetriesWithBackoffThenSends) {
  receiver.respond("/flaky", CannedResponse{503, "busy"});
  put_channel("flaky", callback_channel(receiver.url("/flaky"),
                                        R"({"attempts": 4, "backoff": 0.05, "max_backoff": 0.2})"));
  auto id = pipeline().raise(alert("Retry me"), {"flaky"}, "api")[0].notice_id;
  ASSERT_TRUE(receiver.wait_for(2));
  auto between = wait_notice(id, [](const Notice& n) { return n.attempts >= 2; });
  EXPECT_EQ(between.status, "sending");
  EXPECT_EQ(between.error.substr(0, 8), "HTTP 503");
  receiver.respond("/flaky", CannedResponse{200, "fine"});
  auto sent = wait_status(id, "sent");
  EXPECT_EQ(sent.status, "sent");
  EXPECT_GE(sent.attempts, 3);
  EXPECT_EQ(sent.error, "");
}

TEST_F(NoticePipelineTest, AttemptsRunOutInAVisibleFailure) {
  put_channel("dead", callback_channel(dead_url(),
                                       R"({"attempts": 3, "backoff": 0.01, "max_backoff": 0.02})"));
  auto id = pipeline().raise(alert("Nobody home"), {"dead"}, "api")[0].notice_id;
  auto failed = wait_status(id, "failed");
  EXPECT_EQ(failed.status, "failed");
  EXPECT_EQ(failed.attempts, 3);
  EXPECT_NE(failed.error.find("127.0.0.1"), std::string::npos) << failed.error;
  EXPECT_GT(failed.end_ms, 0);
}

TEST_F(NoticePipelineTest, AClientErrorIsNotRetried) {
  receiver.respond("/gone", CannedResponse{404, "no such hook"});
  put_channel("gone",
              callback_channel(receiver.url("/gone"), R"({"attempts": 5, "backoff": 0.01})"));
  auto failed = wait_status(pipeline().raise(alert("x"), {"gone"}, "api")[0].notice_id, "failed");
  EXPECT_EQ(failed.attempts, 1);
  EXPECT_EQ(failed.http_status, 404);
}

TEST_F(NoticePipelineTest, TooManyRequestsWaitsForRetryAfter) {
  receiver.respond("/limited",
                   CannedResponse{429, "slow down", "text/plain", {{"Retry-After", "1"}}});
  put_channel("limited",
              callback_channel(receiver.url("/limited"),
                               R"({"attempts": 2, "backoff": 0.01, "max_backoff": 0.01})"));
  const auto started = std::chrono::steady_clock::now();
  auto id = pipeline().raise(alert("x"), {"limited"}, "api")[0].notice_id;
  ASSERT_TRUE(receiver.wait_for(1));
  receiver.respond("/limited", CannedResponse{200, "ok"});
  auto sent = wait_status(id, "sent", 5s);
  EXPECT_EQ(sent.status, "sent");
  EXPECT_GE(std::chrono::steady_clock::now() - started, 950ms);
  ASSERT_EQ(receiver.requests().size(), 2u);
}

TEST_F(NoticePipelineTest, ADeadOrSlowChannelDoesNotHoldUpTheOthers) {
  HttpReceiver slow;
  slow.respond_to_others(CannedResponse{200, "late", "text/plain", {}, 3000ms});
  put_channel("slow", callback_channel(slow.url("/s"),
                                       R"({"attempts": 1, "concurrency": 1, "timeout": 5})"));
  put_channel("dead", callback_channel(dead_url(), R"({"attempts": 5, "backoff": 5})"));
  put_channel("good", callback_channel(receiver.url("/g")));
  for (int i = 0; i < 5; ++i)
    pipeline().raise(alert("slow " + std::to_string(i)), {"slow", "dead"}, "api");
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i)
    ids.push_back(pipeline().raise(alert("good"), {"good"}, "api")[0].notice_id);
  for (const auto& id : ids) EXPECT_EQ(wait_status(id, "sent", 2s).status, "sent");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1500ms);
}

TEST_F(NoticePipelineTest, ADownChannelParksNoticesBehindOneProbeAndReleasesThemWhenUp) {
  receiver.respond_to_others(CannedResponse{200, "late", "text/plain", {}, 1000ms});
  put_channel("flap", callback_channel(receiver.url("/f"), R"({"attempts": 20, "backoff": 0.05,
      "max_backoff": 0.1, "timeout": 0.2, "concurrency": 1})"));
  std::vector<std::string> ids;
  for (int i = 0; i < 30; ++i)
    ids.push_back(
        pipeline().raise(alert("flap " + std::to_string(i)), {"flap"}, "api")[0].notice_id);
  // Down after three timeouts in a row: the rest wait, each probe costing them an attempt.
  EXPECT_NE(charged_for_a_probe(ids).find("not tried: channel \"flap\" is down"),
            std::string::npos);
  const auto tried_while_down = receiver.requests().size();
  EXPECT_LT(tried_while_down, 10u);
  receiver.respond_to_others(CannedResponse{200, "ok"});
  for (const auto& id : ids) EXPECT_EQ(wait_status(id, "sent").status, "sent") << id;
  EXPECT_LT(receiver.requests().size(), 30u + 10u);
}

TEST_F(NoticePipelineTest, NoticesParkedBehindADeadChannelStillEndFailed) {
  put_channel("dead", callback_channel(dead_url(), R"({"attempts": 3, "backoff": 0.02,
      "max_backoff": 0.05, "concurrency": 2})"));
  std::vector<std::string> ids;
  for (int i = 0; i < 40; ++i)
    ids.push_back(
        pipeline().raise(alert("dead " + std::to_string(i)), {"dead"}, "api")[0].notice_id);
  for (const auto& id : ids) {
    auto n = wait_status(id, "failed");
    EXPECT_EQ(n.status, "failed") << id;
    EXPECT_EQ(n.attempts, 3) << id;
  }
}

TEST_F(NoticePipelineTest, AFailedProbeChargesParkedNoticesWithoutARowEach) {
  put_channel("dead", callback_channel(dead_url(), R"({"attempts": 3, "backoff": 0.02,
      "max_backoff": 0.05})"));
  constexpr int kNotices = 40;
  std::vector<std::string> ids;
  for (int i = 0; i < kNotices; ++i)
    ids.push_back(
        pipeline().raise(alert("dead " + std::to_string(i)), {"dead"}, "api")[0].notice_id);
  for (const auto& id : ids) EXPECT_EQ(wait_status(id, "failed").attempts, 3) << id;
  // Created and failed rows, and one per real attempt (the first three and the probes); not a
  // row per parked notice per probe (that would be 3 x 40 and more).
  EXPECT_LT(pipeline().counts().rows, 2u * kNotices + 20u);
}

TEST_F(NoticePipelineTest, ParkedNoticesKeepTheirChargesAcrossAStopAndGoOutAfterIt) {
  const auto ids = park_behind_a_dead_channel(10);
  ASSERT_FALSE(ids.empty());
  service->stop();  // stores what the failed probes charged the parked notices
  std::map<std::string, Poco::Int64> stored_attempts;
  Poco::Int64 most = 0;
  for (const auto& id : ids) {
    const auto n = *service->notices().find(id);
    EXPECT_FALSE(notice_status::ended(n.status)) << id << " " << n.status;
    EXPECT_LT(n.attempts, 10) << id;
    stored_attempts[id] = n.attempts;
    most = std::max(most, n.attempts);
  }
  EXPECT_GE(most, 1);
  open();
  put_channel("dead", callback_channel(receiver.url("/back")));  // it answers now
  service->start();
  for (const auto& id : ids) {
    const auto n = wait_status(id, "sent");
    EXPECT_EQ(n.status, "sent") << id;
    EXPECT_EQ(n.attempts, stored_attempts[id] + 1) << id;
  }
}

TEST_F(NoticePipelineTest, ASuccessfulTestSendReleasesTheNoticesOfADownChannel) {
  receiver.respond_to_others(CannedResponse{200, "late", "text/plain", {}, 1000ms});
  auto instance = put_channel("flap", callback_channel(receiver.url("/f"), R"({"attempts": 5,
      "backoff": 30, "max_backoff": 60, "timeout": 0.2, "concurrency": 1})"));
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i)
    ids.push_back(pipeline().raise(alert("x" + std::to_string(i)), {"flap"}, "api")[0].notice_id);
  // Three time out (the gate closes); their retries and the other three wait 30 s or more.
  ASSERT_TRUE(receiver.wait_for(3));
  std::this_thread::sleep_for(300ms);
  receiver.respond_to_others(CannedResponse{200, "ok"});
  EXPECT_EQ(pipeline().send_now(*instance, sample_alert("flap")).status, "sent");
  for (int i = 3; i < 6; ++i) EXPECT_EQ(wait_status(ids[i], "sent", 3s).status, "sent") << i;
}

TEST_F(NoticePipelineTest, NoticesWaitingForARemovedChannelEndFailed) {
  const auto ids = park_behind_a_dead_channel(10);
  ASSERT_FALSE(ids.empty());
  EXPECT_TRUE(service->channels().remove("dead"));
  for (const auto& id : ids) {
    auto n = wait_status(id, "failed", 5s);
    EXPECT_EQ(n.status, "failed") << id;
    EXPECT_NE(n.error.find("removed"), std::string::npos) << n.error;
  }
}

TEST_F(NoticePipelineTest, AConcurrencyChangeTakesEffectWithoutLosingQueuedNotices) {
  receiver.respond_to_others(CannedResponse{200, "ok", "text/plain", {}, 50ms});
  put_channel("c", callback_channel(receiver.url("/c"), R"({"concurrency": 1})"));
  std::vector<std::string> ids;
  for (int i = 0; i < 10; ++i)
    ids.push_back(pipeline().raise(alert("one " + std::to_string(i)), {"c"}, "api")[0].notice_id);
  put_channel("c", callback_channel(receiver.url("/c"), R"({"concurrency": 8})"));
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 16; ++i)
    ids.push_back(pipeline().raise(alert("eight " + std::to_string(i)), {"c"}, "api")[0].notice_id);
  for (std::size_t i = 10; i < ids.size(); ++i)
    EXPECT_EQ(wait_status(ids[i], "sent").status, "sent");
  // 16 deliveries of 50 ms on the new lane's 8 threads: far less than one after another (800 ms).
  EXPECT_LT(std::chrono::steady_clock::now() - started, 600ms);
  for (const auto& id : ids) EXPECT_EQ(wait_status(id, "sent").status, "sent") << id;
}

TEST_F(NoticePipelineTest, ABrokenTemplateFallsBackAndTheErrorIsRecorded) {
  put_channel("tpl", callback_channel(receiver.url("/t")));
  // A template that parses but fails for this alert cannot be saved, so break the stored one the
  // way a plugin upgrade could: an instance whose alertTpl no longer parses.
  auto instance = *service->channels().find("tpl");
  instance.config = new Poco::JSON::Object(*instance.config);
  instance.config->set("alertTpl", "{\"title\": \"{{#title}}\"}");
  ChannelStore(*database).put(instance);
  open();
  service->start();
  auto id = service->pipeline().raise(alert("Still arrives"), {"tpl"}, "api")[0].notice_id;
  auto sent = wait_status(id, "sent");
  EXPECT_EQ(sent.status, "sent");
  EXPECT_EQ(sent.template_error.substr(0, 10), "alertTpl: ") << sent.template_error;
  ASSERT_TRUE(receiver.wait_for(1));
  // The channel's default template (valid JSON) carried the alert.
  EXPECT_EQ(parse_object(receiver.requests()[0].body)->getValue<std::string>("title"),
            "Still arrives");
}

/// The pipeline on a manual clock: windows, retries and clean-ups happen when a test advances it.
class ManualClockPipelineTest : public NoticePipelineTest {
 protected:
  void SetUp() override {
    clock = &manual;
    NoticePipelineTest::SetUp();
  }
  void TearDown() override { service.reset(); }  // before the clock it reads goes
  ManualClock manual;
};

TEST_F(ManualClockPipelineTest, DuplicatesInsideTheWindowBecomeOneNoticeThatSaysHowMany) {
  put_channel("agg", callback_channel(receiver.url("/agg"), R"({"dedupe_window": 60})"));
  std::string first;
  for (int i = 0; i < 5; ++i) {
    auto n = pipeline().raise(alert("CPU high", "cpu@db1"), {"agg"}, "api")[0];
    if (i == 0) first = n.notice_id;
    EXPECT_EQ(n.notice_id, first);
    EXPECT_EQ(n.aggregated, i + 1);
  }
  pipeline().raise(alert("Other"), {"agg"}, "api");  // another key: its own notice
  manual.advance(59s);
  EXPECT_EQ(service->notices().find(first)->status, "created");  // the window is still open
  manual.advance(1s);
  auto sent = wait_status(first, "sent");
  EXPECT_EQ(sent.aggregated, 5);
  ASSERT_TRUE(receiver.wait_for(2));
  std::this_thread::sleep_for(100ms);  // nothing more arrives
  EXPECT_EQ(receiver.requests().size(), 2u);
  bool said = false;
  for (const auto& r : receiver.requests())
    said = said || parse_object(r.body)->getValue<std::string>("title") == "[5x] CPU high";
  EXPECT_TRUE(said);
  // After the window, the same key opens a new notice.
  EXPECT_NE(pipeline().raise(alert("CPU high", "cpu@db1"), {"agg"}, "api")[0].notice_id, first);
}

TEST_F(ManualClockPipelineTest, AnOpenDedupeWindowSurvivesARestart) {
  put_channel("agg", callback_channel(receiver.url("/agg"), R"({"dedupe_window": 60})"));
  const auto first = pipeline().raise(alert("Disk", "disk@db1"), {"agg"}, "api")[0].notice_id;
  pipeline().raise(alert("Disk", "disk@db1"), {"agg"}, "api");
  service->stop();
  manual.advance(30s);
  open();
  service->start();
  auto again = service->pipeline().raise(alert("Disk", "disk@db1"), {"agg"}, "api")[0];
  EXPECT_EQ(again.notice_id, first);
  EXPECT_EQ(again.aggregated, 3);
  manual.advance(30s);
  auto sent = wait_status(first, "sent");
  EXPECT_EQ(sent.aggregated, 3);
  ASSERT_TRUE(receiver.wait_for(1));
  EXPECT_EQ(parse_object(receiver.requests()[0].body)->getValue<std::string>("title"), "[3x] Disk");
}

TEST_F(NoticePipelineTest, BlockedByCircuitBreakingThenReplayed) {
  put_channel("cb", callback_channel(receiver.url("/cb")));
  std::map<std::string, std::string> errors;
  service->breaker().replace(
      break_rules_from_json(*parse_object(R"({"rules": [{"id": "storm", "conditions": [
          {"key": "strategy_id", "value": ["12345"]}, {"key": "bk_biz_id", "value": ["7"]}]}]})"),
                            errors));
  auto blocked = pipeline().raise(alert("Storm"), {"cb"}, "api")[0];
  EXPECT_EQ(blocked.status, "blocked");
  EXPECT_EQ(blocked.blocked_by, "storm");
  auto other = alert("Other business");
  other.labels["bk_biz_id"] = "8";
  EXPECT_EQ(pipeline().raise(other, {"cb"}, "api")[0].status, "created");
  // The other alert, and the rule's own alert saying it blocks (once, on its first block).
  ASSERT_TRUE(receiver.wait_for(2));
  std::this_thread::sleep_for(100ms);
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 2u);
  const auto has = [&](const std::string& text) {
    return std::count_if(requests.begin(), requests.end(),
                         [&](const auto& r) { return r.body.find(text) != std::string::npos; });
  };
  EXPECT_EQ(has("Other business"), 1);
  EXPECT_EQ(has("circuit breaking rule storm is blocking notice"), 1);
  EXPECT_EQ(service->notices().find(blocked.notice_id)->status, "blocked");

  EXPECT_EQ(pipeline().replay(blocked.notice_id).status, "created");
  EXPECT_EQ(wait_status(blocked.notice_id, "sent").status, "sent");
  EXPECT_TRUE(receiver.wait_for(3));
  EXPECT_THROW(pipeline().replay(blocked.notice_id), RequestError);  // sent: nothing to replay
  EXPECT_THROW(pipeline().replay("nt_nope"), RequestError);
}

TEST_F(NoticePipelineTest, QueuedNoticesAreSentAfterARestart) {
  receiver.respond("/later", CannedResponse{503, "down"});
  put_channel("later",
              callback_channel(receiver.url("/later"), R"({"attempts": 5, "backoff": 0.3})"));
  auto id = pipeline().raise(alert("Survive"), {"later"}, "api")[0].notice_id;
  ASSERT_TRUE(receiver.wait_for(1));
  wait_notice(id, [](const Notice& n) { return n.attempts == 1 && n.status == "sending"; });
  service->stop();  // the retry is armed, not yet due: it stays stored
  EXPECT_EQ(service->notices().find(id)->status, "sending");
  receiver.respond("/later", CannedResponse{200, "ok"});
  open();
  service->start();
  auto sent = wait_status(id, "sent");
  EXPECT_EQ(sent.status, "sent");
  EXPECT_EQ(sent.attempts, 2);
}

TEST_F(NoticePipelineTest, AnAlertToSeveralChannelsIsStoredOnceAndGoesOutWholeAfterARestart) {
  HttpReceiver other;
  put_channel("now", callback_channel(receiver.url("/now")));
  other.respond("/later", CannedResponse{503, "down"});
  put_channel("later", callback_channel(other.url("/later"), R"({"attempts": 5, "backoff": 0.3})"));
  const auto notices = pipeline().raise(alert("Shared"), {"now", "later"}, "api");
  ASSERT_EQ(notices.size(), 2u);
  const auto& later = notices[1].notice_id;
  ASSERT_TRUE(other.wait_for(1));
  wait_notice(later, [](const Notice& n) { return n.attempts == 1; });
  service->stop();

  const auto stored = [this](const std::string& id) {  // the alert as the row itself holds it
    std::string alert_json;
    std::string key = id;
    auto session = database->session();
    session << "SELECT alert_json FROM notices WHERE notice_id = ?",
        Poco::Data::Keywords::into(alert_json), Poco::Data::Keywords::use(key),
        Poco::Data::Keywords::now;
    return alert_json;
  };
  EXPECT_NE(stored(notices[0].notice_id).find("Shared"), std::string::npos);
  EXPECT_EQ(stored(later), "");
  const auto read = service->notices().find(later);
  EXPECT_EQ(parse_object(read->alert_json)->getValue<std::string>("title"), "Shared");
  EXPECT_EQ(read->alert_of, notices[0].notice_id);

  other.respond("/later", CannedResponse{200, "ok"});
  open();
  service->start();  // the "later" notice is read back without its alert, and sent with it
  EXPECT_EQ(wait_status(later, "sent").status, "sent");
  ASSERT_TRUE(other.wait_for(2));
  EXPECT_EQ(parse_object(other.requests()[1].body)->getValue<std::string>("title"), "Shared");
  NoticeQuery query;
  query.channel_name = "later";
  const auto listed = service->notices().list(query);
  ASSERT_EQ(listed.notices.size(), 1u);
  EXPECT_EQ(parse_object(listed.notices[0].alert_json)->getValue<std::string>("title"), "Shared");
}

TEST_F(ManualClockPipelineTest, EndedNoticesAreDeletedOnceTheyAreOlderThanTheMaxAge) {
  put_channel("hook", callback_channel(receiver.url("/hook")));
  receiver.respond("/slow", CannedResponse{503, "down"});
  put_channel("slow", callback_channel(receiver.url("/slow"), R"({"attempts": 5, "backoff": 30})"));
  const auto sent = pipeline().raise(alert("Done"), {"hook"}, "api")[0].notice_id;
  const auto waiting = pipeline().raise(alert("Retrying"), {"slow"}, "api")[0].notice_id;
  ASSERT_EQ(wait_status(sent, "sent").status, "sent");
  wait_notice(waiting, [](const Notice& n) { return n.attempts == 1; });
  service->stop();

  notice_max_age_ms = 2 * 3600 * 1000;
  open();
  service->start();         // a first sweep at once: both are young
  manual.advance(1h);       // the hourly sweep: still younger than two hours
  manual.advance(1h + 1s);  // now older: the next sweep deletes the ended one
  for (int i = 0; i < 1000 && service->notices().find(sent); ++i) std::this_thread::sleep_for(10ms);
  EXPECT_FALSE(service->notices().find(sent));
  EXPECT_EQ(pipeline().counts().removed, 1u);
  EXPECT_EQ(service->notices().find(waiting)->status, "sending");  // not ended: kept
}

TEST_F(NoticePipelineTest, SendNowAnswersWithTheVendorsReply) {
  receiver.respond("/test", CannedResponse{200, "{\"received\": true}"});
  auto instance = put_channel("t", callback_channel(receiver.url("/test")));
  auto notice = pipeline().send_now(*instance, sample_alert("t"));
  EXPECT_EQ(notice.status, "sent");
  EXPECT_EQ(notice.detail, "{\"received\": true}");
  EXPECT_EQ(notice.origin, "test");
}

}  // namespace
}  // namespace warden::host::test_alerts
