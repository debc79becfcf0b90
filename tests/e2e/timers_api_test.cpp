// Timer boundary events and schedules on the real binary, over HTTP: seed 001's shapes, the
// built-in actions as status_task shows them, schedules, every refusal, and a SIGKILL restart.
#include "tests/support/api_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <Poco/JSON/Array.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

namespace warden::test {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::string kToken = "e2e-timers-token";

class TimerApi : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("warden.yaml",
               "plugins_dir:\n  - " + (fs::path(WARDEN_FIXTURE_PLUGINS_DIR) / "tasks").string() +
                   "\n  - " + (fs::path(WARDEN_FIXTURE_PLUGINS_DIR) / "timers").string() +
                   "\nlog_level: warn\nTEST:\n  database: sqlite:" +
                   (dir_.path() / "warden.db").string() + "\n");
    start();
  }

  void start() {
    warden_ = std::make_unique<WardenProcess>(
        std::vector<std::string>{"serve", "--config", (dir_.path() / "warden.yaml").string(),
                                 "--listen", "127.0.0.1:0"},
        std::map<std::string, std::string>{{"AUTH_TOKEN", kToken}});
    ASSERT_TRUE(warden_->wait_until_serving()) << warden_->log();
  }

  ApiResponse call(const std::string& method, const std::string& path,
                   const std::string& body = {}) {
    return call_api(warden_->port(), method, path, kToken, body);
  }

  /// A task of the scripted solution that waits on callbacks until something ends it.
  std::string running_task() {
    auto r = call("POST", "/api/create_task",
                  R"({"data": {"service": "scripted", "condition": {"mode": "forever", )"
                  R"("delay_ms": 100000}}})");
    EXPECT_EQ(r.status, 200) << r.body;
    auto id = r.json->getValue<std::string>("task_id");
    for (int i = 0; i < 1000 && status_of(id)->getValue<std::string>("status") != "running"; ++i)
      std::this_thread::sleep_for(5ms);
    return id;
  }

  Poco::JSON::Object::Ptr status_of(const std::string& id) {
    auto r = call("POST", "/api/status_task", R"({"data": [{"task_id": ")" + id + R"("}]})");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json->getArray("status")->getObject(0);
  }

  Poco::JSON::Array::Ptr events_of(const std::string& task) {
    auto r = call("GET", "/api/timer_events?node_id=" + task);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json->getArray("data");
  }

  template <class Predicate>
  bool eventually(Predicate done, std::chrono::milliseconds limit = 10s) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      if (done()) return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }

  std::size_t lines_in(const fs::path& file) {
    std::ifstream in(file);
    std::size_t n = 0;
    for (std::string line; std::getline(in, line);) ++n;
    return n;
  }

  TempDir dir_;
  std::unique_ptr<WardenProcess> warden_;
};

TEST_F(TimerApi, ForcedFailAndSkipShowsInStatusTaskWithTheTimerThatFired) {
  auto task = running_task();
  auto r = call("POST", "/api/timer_events",
                R"({")" + task +
                    R"(": [{"enable": true, "action": "forced_fail_and_skip", )"
                    R"("timer_type": "time_duration", "defined": "PT0.2S"}, )"
                    R"({"enable": false, "action": "forced_fail", "timer_type": "time_cycle", )"
                    R"("defined": "R5/PT10S"}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json->getValue<bool>("result"), true);
  EXPECT_EQ(r.json->getValue<std::string>("message"), "");
  auto data = r.json->getArray("data");
  ASSERT_EQ(data->size(), 2u);
  auto first = data->getObject(0);
  const auto id = first->getValue<std::string>("id");
  EXPECT_EQ(first->getValue<std::string>("node_id"), task);
  EXPECT_EQ(first->getValue<std::string>("state"), "armed");
  EXPECT_FALSE(first->isNull("due_time"));
  EXPECT_EQ(data->getObject(1)->getValue<std::string>("state"), "disabled");

  ASSERT_TRUE(
      eventually([&] { return status_of(task)->getValue<std::string>("status") == "failed"; }));
  auto status = status_of(task);
  EXPECT_TRUE(status->getValue<bool>("skipped"));
  EXPECT_NE(status->getValue<std::string>("message").find("forced_fail_and_skip: timer " + id),
            std::string::npos)
      << status->getValue<std::string>("message");
  auto result = call("POST", "/api/result_task", R"({"data": {"task_id": ")" + task + R"("}})");
  ASSERT_EQ(result.status, 200) << result.body;
  EXPECT_EQ(result.json->getValue<std::string>("failure_type"), "timer_skip");
  EXPECT_TRUE(result.json->getValue<bool>("skipped"));

  ASSERT_TRUE(eventually([&] {
    return events_of(task)->getObject(0)->getValue<std::string>("last_outcome") == "ok";
  }));
  auto fired = events_of(task)->getObject(0);
  EXPECT_EQ(fired->getValue<std::string>("state"), "done");
  EXPECT_EQ(fired->getValue<int>("fired"), 1);
  EXPECT_GE(fired->getValue<double>("last_lateness_ms"), 0.0);
  EXPECT_EQ(events_of(task)->getObject(1)->getValue<int>("fired"), 0);
}

TEST_F(TimerApi, DeleteCancelsAnEvent) {
  auto task = running_task();
  auto r = call(
      "POST", "/api/timer_events",
      R"({")" + task +
          R"(": [{"action": "forced_fail", "timer_type": "time_duration", "defined": "PT0.3S"}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto id = r.json->getArray("data")->getObject(0)->getValue<std::string>("id");
  auto deleted = call("DELETE", "/api/timer_events/" + id);
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(deleted.json->getObject("data")->getValue<std::string>("state"), "cancelled");
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(status_of(task)->getValue<std::string>("status"), "running");
  EXPECT_EQ(call("DELETE", "/api/timer_events/te_424242").status, 404);
}

TEST_F(TimerApi, MalformedOrInvalidTimerEventsAreRefusedWithWhereAndWhat) {
  auto task = running_task();
  auto refuse = [&](const std::string& body, const std::string& part) {
    auto r = call("POST", "/api/timer_events", body);
    EXPECT_EQ(r.status, 400) << body << " -> " << r.body;
    ASSERT_TRUE(r.json) << r.body;
    EXPECT_EQ(r.json->getValue<std::string>("result"), "exception");
    auto text = r.body;
    EXPECT_NE(text.find(part), std::string::npos) << body << " -> " << text;
  };
  refuse("[1]", "JSON object");
  refuse("{}", "names no task");
  refuse(R"({")" + task + R"(": {"action": "forced_fail"}})", "must be a list of timer configs");
  refuse(R"({")" + task + R"(": [{"timer_type": "time_duration", "defined": "PT1S"}]})",
         task + "[0].action\\\" is required");
  refuse(R"({")" + task +
             R"(": [{"action": "forced_fail", "timer_type": "time_duration", )"
             R"("defined": "PT1S", "enable": "yes"}]})",
         "must be true or false");
  refuse(R"({")" + task +
             R"(": [{"action": "forced_fail", "timer_type": "time_duration", )"
             R"("defined": "P1Q"}]})",
         task + "[0].defined");
  refuse(R"({"ts_none_x": [{"action": "forced_fail", "timer_type": "time_duration", )"
         R"("defined": "PT1S"}]})",
         "unknown task");
  auto missing = call("GET", "/api/timer_events");
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(call_api(warden_->port(), "GET", "/api/timer_events?node_id=" + task).status, 401);
  EXPECT_EQ(events_of(task)->size(), 0u);
}

TEST_F(TimerApi, SchedulesAreCreatedListedAndDeletedAndSurviveASigkill) {
  const auto log = dir_.path() / "schedule.log";
  auto body = R"({"name": "monitor", "action": "probe", "timer_type": "time_cycle", )"
              R"("defined": "R/PT0.1S", "params": {"log_file": ")" +
              log.string() + R"(", "token": "s3cret"}})";
  auto created = call("POST", "/api/schedules", body);
  ASSERT_EQ(created.status, 201) << created.body;
  auto data = created.json->getObject("data");
  EXPECT_EQ(data->getValue<std::string>("name"), "monitor");
  EXPECT_EQ(data->getObject("params")->getValue<std::string>("token"), "******");
  EXPECT_EQ(created.body.find("s3cret"), std::string::npos);
  EXPECT_EQ(call("POST", "/api/schedules", body).status, 200);  // replaced

  ASSERT_TRUE(eventually([&] { return lines_in(log) >= 3; }));
  auto one = call("GET", "/api/schedules/monitor");
  ASSERT_EQ(one.status, 200);
  auto state = one.json->getObject("data");
  EXPECT_GE(state->getValue<int>("runs"), 3);
  EXPECT_EQ(state->getValue<int>("skipped_overlaps"), 0);
  EXPECT_FALSE(state->isNull("due_time"));
  auto list = call("GET", "/api/schedules");
  ASSERT_EQ(list.json->getArray("data")->size(), 1u);

  warden_->kill();
  const auto fired_before = lines_in(log);
  start();
  ASSERT_TRUE(eventually([&] { return lines_in(log) >= fired_before + 3; }))
      << "the schedule did not fire again after a restart";

  auto cron = call("POST", "/api/schedules",
                   R"({"name": "nightly", "action": "probe", "timer_type": "cron", )"
                   R"("defined": "30 2 * * *", "time_zone": "Europe/Berlin"})");
  ASSERT_EQ(cron.status, 201) << cron.body;
  EXPECT_EQ(cron.json->getObject("data")->getValue<std::string>("time_zone"), "Europe/Berlin");

  auto bad =
      call("POST", "/api/schedules",
           R"({"name": "x", "action": "probe", "timer_type": "cron", "defined": "61 * * * *"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("minute 61 is out of range"), std::string::npos) << bad.body;

  EXPECT_EQ(call("DELETE", "/api/schedules/monitor").status, 200);
  EXPECT_EQ(call("GET", "/api/schedules/monitor").status, 404);
  EXPECT_EQ(call("DELETE", "/api/schedules/monitor").status, 404);
  const auto after_delete = lines_in(log);
  std::this_thread::sleep_for(300ms);
  EXPECT_LE(lines_in(log), after_delete + 1);  // at most the firing that was running
}

TEST_F(TimerApi, MetricsReportTimerFiringsAndLateness) {
  call(
      "POST", "/api/schedules",
      R"({"name": "tick", "action": "probe", "timer_type": "time_cycle", "defined": "R3/PT0.05S"})");
  ASSERT_TRUE(eventually([&] {
    auto r = call("GET", "/api/schedules/tick");
    return r.json && r.json->getObject("data")->getValue<std::string>("state") == "done";
  }));
  auto metrics = call_api(warden_->port(), "GET", "/metrics").body;
  EXPECT_NE(metrics.find("warden_timer_firings_total{outcome=\"ok\"} 3"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("warden_timer_lateness_seconds_count 3"), std::string::npos);
}

}  // namespace
}  // namespace warden::test
