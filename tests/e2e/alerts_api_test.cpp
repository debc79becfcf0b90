// Channel instances, alerts, notifications and circuit breaking through the real binary, with real
// HTTP receivers standing in for the vendors.
#include "tests/support/eventually.hpp"
#include "tests/support/http_receiver.hpp"
#include "tests/support/serve_test.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/ServerSocket.h>
#include <gtest/gtest.h>

#include <thread>

namespace warden::test {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

class AlertsApi : public ServeTest {
 protected:
  AlertsApi() : ServeTest("e2e-alerts-token") {}

  void SetUp() override {
    configure("plugins_dir: " + std::string(WARDEN_STAGED_PLUGINS_DIR) + "\nlog_level: warn\n");
    start();
  }

  void put_callback(const std::string& name, const std::string& url,
                    const std::string& delivery = "{}") {
    auto r = call("PUT", "/api/channels/" + name,
                  R"({"channel": "http_callback", "config": {"url": ")" + url +
                      R"(", "headers": "X-Secret: abc"}, "delivery": )" + delivery + "}");
    ASSERT_TRUE(r.status == 200 || r.status == 201) << r.body;
  }

  /// The notice `id` once its status is `status` (or the last read after 10 s).
  Poco::JSON::Object::Ptr wait_status(const std::string& id, const std::string& status) {
    Poco::JSON::Object::Ptr last;
    for (int i = 0; i < 1000; ++i) {
      auto r = call("GET", "/api/notifications/" + id);
      if (r.status == 200) {
        last = r.json->getObject("data");
        if (last->getValue<std::string>("status") == status) return last;
      }
      std::this_thread::sleep_for(10ms);
    }
    return last;
  }

  HttpReceiver receiver_;
};

TEST_F(AlertsApi, ChannelInstancesAreCheckedStoredAndMasked) {
  auto r = call("PUT", "/api/channels/ops",
                R"({"channel": "dingtalk", "config": {"token": "t0ps3cret", "secretEnable": true,
                    "secretToken": "sign"}})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json->getObject("data")->getObject("config")->getValue<std::string>("token"),
            "******");
  EXPECT_EQ(r.body.find("t0ps3cret"), std::string::npos);

  r = call("GET", "/api/channels");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json->getValue<int>("count"), 1);
  EXPECT_EQ(r.body.find("t0ps3cret"), std::string::npos);
  r = call("GET", "/api/channels/ops");
  ASSERT_EQ(r.status, 200) << r.body;
  auto data = r.json->getObject("data");
  EXPECT_EQ(data->getValue<std::string>("channel"), "dingtalk");
  EXPECT_TRUE(data->getValue<bool>("enabled"));
  EXPECT_EQ(data->getObject("config")->getValue<std::string>("alertDingURL"),
            "https://oapi.dingtalk.com/robot/send");
  EXPECT_EQ(data->getObject("delivery")->getValue<int>("attempts"), 3);

  r = call("PUT", "/api/channels/ops",
           R"({"channel": "dingtalk", "config": {"secretEnable": "maybe"},
                                          "delivery": {"timeout": -1}})");
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.json->getValue<std::string>("result"), "exception");
  auto errors = r.json->getObject("errors");
  EXPECT_TRUE(errors->has("config.secretEnable")) << r.body;
  EXPECT_TRUE(errors->has("delivery.timeout")) << r.body;

  r = call("PUT", "/api/channels/cb",
           R"({"channel": "http_callback", "config": {"url": "http://127.0.0.1:1/",
      "alertTpl": "{\"a\": 1,\n\"b\": \"{{/title}}\"}"}})");
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.json->getObject("errors")->getValue<std::string>("config.alertTpl").substr(0, 7),
            "line 2:")
      << r.body;

  r = call("PUT", "/api/channels/cb", "not json");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(call("GET", "/api/channels/nope").status, 404);
  EXPECT_EQ(call("DELETE", "/api/channels/ops").status, 200);
  EXPECT_EQ(call("DELETE", "/api/channels/ops").status, 404);
  EXPECT_EQ(call("GET", "/api/channels", "").json->getValue<int>("count"), 0);
  EXPECT_EQ(warden_->log().find("t0ps3cret"), std::string::npos);
}

TEST_F(AlertsApi, TestSendsASampleAlertAndAnswersWithTheVendorsReply) {
  receiver_.respond("/hook", CannedResponse{200, "{\"accepted\": 1}"});
  put_callback("hook", receiver_.url("/hook"));
  auto r = call("POST", "/api/channels/hook/test");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json->getObject("data")->getValue<std::string>("detail"), "{\"accepted\": 1}");
  EXPECT_EQ(r.json->getObject("data")->getValue<int>("http_status"), 200);
  ASSERT_TRUE(receiver_.wait_for(1));
  EXPECT_EQ(receiver_.requests()[0].header("X-Secret"), "abc");

  receiver_.respond("/hook", CannedResponse{401, "bad token"});
  r = call("POST", "/api/channels/hook/test");
  ASSERT_EQ(r.status, 502) << r.body;
  EXPECT_EQ(r.json->getValue<std::string>("result"), "exception");
  EXPECT_EQ(r.json->getObject("data")->getValue<std::string>("detail"), "bad token");
  EXPECT_EQ(call("POST", "/api/channels/none/test").status, 404);
}

TEST_F(AlertsApi, AlertsBecomeNoticesThatAreListedAndFiltered) {
  put_callback("a", receiver_.url("/a"));
  auto r = call("POST", "/api/alerts",
                R"({"channels": ["a"], "alert": {"title": "Disk full", "source": "db1",
                    "status": "firing", "severity": "critical", "labels": {"strategy_id": "1"}}})");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json->getValue<int>("count"), 1);
  const auto id = r.json->getArray("data")->getObject(0)->getValue<std::string>("notice_id");
  // The answer as before policies existed, plus what the alert did to its record (issue 15).
  const auto alert = r.json->getObject("alert");
  ASSERT_TRUE(alert) << r.body;
  EXPECT_EQ(r.body, R"({"result":"ok","count":1,"data":[{"notice_id":")" + id +
                        R"(","channel":"a","status":"created","aggregated":1}],"alert":{"id":")" +
                        alert->getValue<std::string>("id") +
                        R"(","state":"abnormal","signal":"abnormal","actions":[]}})");
  auto notice = wait_status(id, "sent");
  ASSERT_TRUE(notice);
  EXPECT_EQ(notice->getValue<std::string>("status"), "sent");
  EXPECT_EQ(notice->getValue<std::string>("channel"), "a");
  EXPECT_EQ(notice->getValue<std::string>("origin"), "api");
  EXPECT_EQ(notice->getObject("alert")->getValue<std::string>("title"), "Disk full");
  ASSERT_TRUE(receiver_.wait_for(1));
  // Every HTTP notice names itself, so a receiver can drop a repeat (issue 17).
  EXPECT_EQ(receiver_.requests().at(0).header("X-Warden-Notice-Id"), id);

  r = call("POST", "/api/alerts", R"({"alert": {"title": 5}})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json->getValue<std::string>("message"), "\"alert.title\" must be a string");
  EXPECT_EQ(call("POST", "/api/alerts", R"({"channels": ["zz"], "alert": {"title": "x"}})").status,
            404);

  r = call("GET", "/api/notifications?channel=a&status=sent&p_size=5&page=1");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json->getValue<int>("total"), 1);
  r = call("GET", "/api/notifications?status=failed");
  EXPECT_EQ(r.json->getValue<int>("total"), 0);
  EXPECT_EQ(call("GET", "/api/notifications?status=lost").status, 400);
  EXPECT_EQ(call("GET", "/api/notifications?p_size=0").status, 400);
  EXPECT_EQ(call("GET", "/api/notifications?since=yesterday").status, 400);
  EXPECT_EQ(call("GET", "/api/notifications/nt_none").status, 404);
  r = call("GET", "/api/notifications?channel=a&since=2020-01-01T00:00:00Z");
  EXPECT_EQ(r.json->getValue<int>("total"), 1);
  r = call("GET", "/api/notifications?channel=a&until=2020-01-01T00:00:00Z");
  EXPECT_EQ(r.json->getValue<int>("total"), 0);

  const auto metrics = call("GET", "/metrics").body;
  EXPECT_NE(metrics.find("warden_notices_total{outcome=\"sent\"} 1\n"), std::string::npos);
  const std::string written = "\nwarden_notice_write_seconds_total ";
  const auto at = metrics.find(written);
  ASSERT_NE(at, std::string::npos);
  EXPECT_GT(std::stod(metrics.substr(at + written.size())), 0.0);  // writing took some time
}

TEST_F(AlertsApi, NumbersOutOfRangeAreA400NamingTheField) {
  const std::string big = "9223372036854775808";
  auto r = call("PUT", "/api/channels/big",
                R"({"channel": "http_callback", "config": {"url": "http://127.0.0.1:1/"},
                    "delivery": {"attempts": )" +
                    big + R"(, "concurrency": -)" + big + R"(, "timeout": 1e300}})");
  ASSERT_EQ(r.status, 400) << r.body;
  auto errors = r.json->getObject("errors");
  EXPECT_EQ(errors->optValue<std::string>("delivery.attempts", ""),
            "must be a whole number from 1 to 20, not " + big);
  EXPECT_EQ(errors->optValue<std::string>("delivery.concurrency", ""),
            "must be a whole number from 1 to 64, not -" + big);
  EXPECT_TRUE(errors->has("delivery.timeout")) << r.body;
  r = call("PUT", "/api/channels/big",
           R"({"channel": "http_callback", "config": {"url": "http://127.0.0.1:1/"},
               "delivery": {"attempts": 18446744073709551615, "concurrency": 1e300}})");
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.json->getObject("errors")->optValue<std::string>("delivery.concurrency", ""),
            "must be a whole number from 1 to 64, not 1e+300");

  for (const std::string field :
       {"restart_index", "total_restart", "cp_failure_rate_interval", "cp_max_failure_interval"}) {
    SCOPED_TRACE(field);
    r = call("POST", "/api/alerts",
             R"({"alert": {"title": "t", ")" + field + R"(": )" + big + "}}");
    ASSERT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.json->getValue<std::string>("message"),
              "\"alert." + field +
                  "\" must be a whole number from -9223372036854775808 to 9223372036854775807, "
                  "not " +
                  big);
    r = call("POST", "/api/alerts", R"({"alert": {"title": "t", ")" + field + R"(": 1e300}})");
    EXPECT_EQ(r.status, 400) << r.body;
    r = call("POST", "/api/alerts",
             R"({"alert": {"title": "t", ")" + field + R"(": "99999999999999999999"}})");
    EXPECT_EQ(r.status, 400) << r.body;
  }

  for (const std::string param : {"page", "p_size"}) {
    SCOPED_TRACE(param);
    const std::string range = param == "page" ? "1 to 1000000" : "1 to 500";
    r = call("GET", "/api/notifications?" + param + "=" + big);
    ASSERT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.json->getValue<std::string>("message"), "query parameter \"" + param +
                                                            "\" must be a whole number from " +
                                                            range + ", not \"" + big + "\"");
    EXPECT_EQ(call("GET", "/api/notifications?" + param + "=" + std::string(5000, '9')).status,
              400);
  }
  EXPECT_EQ(call("GET", "/api/notifications?page=%2B2&p_size=007").status, 200);

  r = call("PUT", "/api/circuit_breaking",
           R"({"rules": [{"conditions": [{"key": "n", "value": [)" + big + R"(, 1e300]}]}]})");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(call("DELETE", "/api/circuit_breaking").status, 200);
  EXPECT_TRUE(warden_->running());
}

TEST_F(AlertsApi, CircuitBreakingBlocksAndReplaySendsLater) {
  put_callback("cb", receiver_.url("/cb"));
  auto r = call("PUT", "/api/circuit_breaking",
                R"({"rules": [{"id": "maint", "description": "db maintenance",
                    "conditions": [{"key": "bk_biz_id", "value": ["100"]}],
                    "end_time": "2099-01-01T00:00:00Z"}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json->getArray("data")->getObject(0)->getValue<bool>("active"));
  EXPECT_EQ(call("PUT", "/api/circuit_breaking", R"({"rules": [{"conditions": []}]})").status, 400);

  r = call("POST", "/api/alerts",
           R"({"alert": {"title": "Noisy", "labels": {"bk_biz_id": "100"}}})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto first = r.json->getArray("data")->getObject(0);
  EXPECT_EQ(first->getValue<std::string>("status"), "blocked");
  EXPECT_EQ(first->getValue<std::string>("blocked_by"), "maint");
  const auto id = first->getValue<std::string>("notice_id");
  EXPECT_EQ(call("GET", "/api/notifications?status=blocked").json->getValue<int>("total"), 1);

  EXPECT_EQ(call("GET", "/api/circuit_breaking").json->getValue<int>("count"), 1);
  r = call("DELETE", "/api/circuit_breaking");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(call("GET", "/api/circuit_breaking").json->getValue<int>("count"), 0);

  r = call("POST", "/api/notifications/" + id + "/replay");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(wait_status(id, "sent")->getValue<std::string>("status"), "sent");
  ASSERT_TRUE(receiver_.wait_for(1));
  EXPECT_EQ(call("POST", "/api/notifications/" + id + "/replay").status, 409);
}

/// The requests `receiver` got at `path`.
std::size_t received_at(const HttpReceiver& receiver, const std::string& path) {
  std::size_t n = 0;
  for (const auto& request : receiver.requests()) n += request.path == path;
  return n;
}

/// Waits up to a minute until `receiver` got `count` requests at `path`; how many it got.
std::size_t wait_received(const HttpReceiver& receiver, const std::string& path,
                          std::size_t count) {
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (received_at(receiver, path) < count && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);
  return received_at(receiver, path);
}

/// The value of the Prometheus line `series` (e.g. `name{label="x"}`), or -1 when absent.
double metric(const std::string& text, const std::string& series) {
  const auto at = text.find("\n" + series + " ");
  return at == std::string::npos ? -1 : std::stod(text.substr(at + series.size() + 2));
}

TEST_F(AlertsApi, OneRuleIsAddedBlocksReportsItselfOnceAndIsRemoved) {
  put_callback("quiet", receiver_.url("/quiet"));
  put_callback("loud", receiver_.url("/loud"));
  auto r = call("POST", "/api/circuit_breaking/rules",
                R"({"id": "hush", "description": "quiet is under maintenance",
                    "conditions": [{"key": "channel", "value": ["quiet"]}]})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json->getObject("data")->getValue<std::string>("module"), "notice");
  EXPECT_TRUE(r.json->getObject("data")->getValue<bool>("active"));
  EXPECT_EQ(call("POST", "/api/circuit_breaking/rules",
                 R"({"id": "hush", "conditions": [{"key": "x", "value": "y"}]})")
                .status,
            409);
  r = call("POST", "/api/circuit_breaking/rules",
           R"({"module": "queue", "conditions": [{"key": ""}], "end_time": "soon", "x": 1})");
  ASSERT_EQ(r.status, 400) << r.body;
  for (const char* field : {"module", "conditions[0].key", "conditions[0].value", "end_time", "x"})
    EXPECT_TRUE(r.json->getObject("errors")->has(field)) << field << " in " << r.body;
  EXPECT_EQ(call("POST", "/api/circuit_breaking/rules", "[1]").status, 400);
  r = call("POST", "/api/circuit_breaking/rules",
           R"({"module": "action", "conditions": [{"key": "policy", "value": "cleanup"}]})");
  ASSERT_EQ(r.status, 201) << r.body;
  const auto generated = r.json->getObject("data")->getValue<std::string>("id");
  EXPECT_EQ(generated.rfind("cb_", 0), 0u) << generated;
  auto metrics = call("GET", "/metrics").body;
  EXPECT_EQ(metric(metrics, R"(warden_circuit_breaking_rules{module="notice"})"), 1) << metrics;
  EXPECT_EQ(metric(metrics, R"(warden_circuit_breaking_rules{module="action"})"), 1) << metrics;

  for (int i = 0; i < 5; ++i) {
    r = call(
        "POST", "/api/alerts",
        R"({"channels": ["quiet"], "alert": {"title": "Noisy )" + std::to_string(i) + R"("}})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json->getArray("data")->getObject(0)->getValue<std::string>("blocked_by"), "hush");
  }
  // The rule's one alert reaches the channel it does not block.
  ASSERT_EQ(wait_received(receiver_, "/loud", 1), 1u) << warden_->log();
  // A marker sent after it: once it is through, a second report (queued behind the first) would
  // have been too.
  r = call("POST", "/api/alerts", R"({"channels": ["loud"], "alert": {"title": "marker"}})");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(wait_received(receiver_, "/loud", 2), 2u);
  EXPECT_EQ(received_at(receiver_, "/loud"), 2u);
  EXPECT_EQ(received_at(receiver_, "/quiet"), 0u);

  r = call("GET", "/api/notifications?origin=circuit_breaking");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json->getValue<int>("total"), 2) << r.body;  // one per enabled channel
  for (std::size_t i = 0; i < 2; ++i) {
    auto notice = r.json->getArray("data")->getObject(i);
    auto alert = notice->getObject("alert");
    EXPECT_EQ(alert->getValue<std::string>("type"), "cluster");
    EXPECT_EQ(alert->getValue<std::string>("source"), "circuit_breaking");
    EXPECT_EQ(alert->getValue<std::string>("subject"), "hush");
    EXPECT_EQ(alert->getValue<std::string>("title"),
              "circuit breaking rule hush is blocking notice");
    EXPECT_EQ(alert->getObject("labels")->getValue<std::string>("rule"), "hush");
    EXPECT_EQ(alert->getObject("labels")->getValue<std::string>("module"), "notice");
    // The rule blocks its own alert at the channel it silences, without a second report.
    EXPECT_EQ(notice->getValue<std::string>("status"),
              notice->getValue<std::string>("channel") == "quiet" ? "blocked" : "sent");
  }
  metrics = call("GET", "/metrics").body;
  EXPECT_EQ(metric(metrics, R"(warden_circuit_breaking_blocked_total{module="notice"})"), 6)
      << metrics;  // the five, and the rule's own alert at quiet
  EXPECT_EQ(metric(metrics, R"(warden_circuit_breaking_blocked_total{module="action"})"), 0);

  r = call("DELETE", "/api/circuit_breaking/rules/hush");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json->getObject("data")->getValue<std::string>("id"), "hush");
  EXPECT_EQ(call("DELETE", "/api/circuit_breaking/rules/hush").status, 404);
  r = call("POST", "/api/alerts", R"({"channels": ["quiet"], "alert": {"title": "heard"}})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json->getArray("data")->getObject(0)->getValue<std::string>("status"), "created");
  EXPECT_EQ(wait_received(receiver_, "/quiet", 1), 1u);

  // Clearing one module keeps the others' rules.
  ASSERT_EQ(call("POST", "/api/circuit_breaking/rules",
                 R"({"id": "n", "conditions": [{"key": "bk_biz_id", "value": "1"}]})")
                .status,
            201);
  EXPECT_EQ(call("DELETE", "/api/circuit_breaking?module=everything").status, 400);
  r = call("DELETE", "/api/circuit_breaking?module=action");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json->getValue<int>("count"), 1) << r.body;
  EXPECT_EQ(r.json->getArray("data")->getObject(0)->getValue<std::string>("id"), "n");
  metrics = call("GET", "/metrics").body;
  EXPECT_EQ(metric(metrics, R"(warden_circuit_breaking_rules{module="action"})"), 0) << metrics;

  warden_->kill();  // the rule is stored with its module
  start();
  r = call("GET", "/api/circuit_breaking");
  ASSERT_EQ(r.json->getValue<int>("count"), 1) << r.body;
  EXPECT_EQ(r.json->getArray("data")->getObject(0)->getValue<std::string>("module"), "notice");
}

TEST_F(AlertsApi, QueuedNoticesAreSentAfterAKill) {
  receiver_.respond("/down", CannedResponse{503, "down"});
  put_callback("down", receiver_.url("/down"), R"({"attempts": 10, "backoff": 1})");
  auto r = call("POST", "/api/alerts", R"({"alert": {"title": "Keep me"}})");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto id = r.json->getArray("data")->getObject(0)->getValue<std::string>("notice_id");
  ASSERT_TRUE(receiver_.wait_for(1));
  warden_->kill();
  receiver_.respond("/down", CannedResponse{200, "back"});
  start();
  auto notice = wait_status(id, "sent");
  EXPECT_EQ(notice->getValue<std::string>("status"), "sent");
  EXPECT_EQ(notice->getValue<std::string>("detail"), "back");
}

TEST_F(AlertsApi, EndedNoticesOlderThanNoticeMaxAgeAreDeletedAtStart) {
  put_callback("ops", receiver_.url("/ops"));
  auto r = call("POST", "/api/alerts", R"({"alert": {"title": "Old news"}})");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto id = r.json->getArray("data")->getObject(0)->getValue<std::string>("notice_id");
  ASSERT_EQ(wait_status(id, "sent")->getValue<std::string>("status"), "sent");
  warden_->kill();
  std::this_thread::sleep_for(1100ms);  // older than the one second allowed below
  configure("plugins_dir: " + std::string(WARDEN_STAGED_PLUGINS_DIR) +
            "\nlog_level: warn\nnotice_max_age: 1\n");
  start();
  for (int i = 0; i < 500 && call("GET", "/api/notifications/" + id).status == 200; ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(call("GET", "/api/notifications/" + id).status, 404);
  EXPECT_EQ(call("GET", "/api/notifications").json->getValue<int>("total"), 0);
  EXPECT_NE(call("GET", "/metrics").body.find("\nwarden_notices_removed_total 1\n"),
            std::string::npos);
}

TEST_F(AlertsApi, ParkedNoticesShowTheirChargesAndGoOutAfterAKill) {
  int dead_port = 0;
  {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    dead_port = socket.address().port();
  }  // closed: connections to it are refused
  put_callback("dead", "http://127.0.0.1:" + std::to_string(dead_port) + "/hook",
               R"({"attempts": 20, "backoff": 0.05, "max_backoff": 0.1})");
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) {
    auto r = call(
        "POST", "/api/alerts",
        R"({"channels": ["dead"], "alert": {"title": "parked )" + std::to_string(i) + R"("}})");
    ASSERT_EQ(r.status, 200) << r.body;
    ids.push_back(r.json->getArray("data")->getObject(0)->getValue<std::string>("notice_id"));
  }
  // The channel is down: notices wait for its probe, and each failed probe charges them an
  // attempt, which the listing shows although it is kept in memory.
  Poco::JSON::Object::Ptr charged;
  for (int i = 0; i < 1000 && !charged; ++i) {
    auto list = call("GET", "/api/notifications?channel=dead&p_size=50");
    ASSERT_EQ(list.status, 200) << list.body;
    const auto data = list.json->getArray("data");
    for (std::size_t k = 0; k < data->size() && !charged; ++k) {
      const auto n = data->getObject(k);
      if (n->getValue<std::string>("error").find("is down") != std::string::npos) charged = n;
    }
    if (!charged) std::this_thread::sleep_for(10ms);
  }
  ASSERT_TRUE(charged) << "no notice was charged for a failed probe";
  EXPECT_GE(charged->getValue<int>("attempts"), 1);
  EXPECT_LT(charged->getValue<int>("attempts"), 20);
  const auto one = call("GET", "/api/notifications/" + charged->getValue<std::string>("notice_id"));
  EXPECT_NE(one.json->getObject("data")->getValue<std::string>("error").find("is down"),
            std::string::npos);

  // A crash loses the charges (the notices are tried again, still within their attempts), not
  // the notices: they go out once the channel answers.
  warden_->kill();
  start();
  put_callback("dead", receiver_.url("/back"), R"({"attempts": 20, "backoff": 0.05})");
  for (const auto& id : ids) {
    auto notice = wait_status(id, "sent");
    EXPECT_EQ(notice->getValue<std::string>("status"), "sent") << id;
    EXPECT_LE(notice->getValue<int>("attempts"), 20) << id;
  }
}

}  // namespace
}  // namespace warden::test
