// Timer boundary events and schedules on the real binary, over HTTP: seed 001's shapes, the
// built-in actions as status_task shows them, schedules, every refusal, and a SIGKILL restart.
#include "tests/support/eventually.hpp"
#include "tests/support/serve_test.hpp"

#include <Poco/JSON/Array.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

namespace warden::test {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

class TimerApi : public ServeTest {
 protected:
  TimerApi() : ServeTest("e2e-timers-token") {}

  void SetUp() override {
    configure("plugins_dir:\n  - " + (fs::path(WARDEN_FIXTURE_PLUGINS_DIR) / "tasks").string() +
              "\n  - " + (fs::path(WARDEN_FIXTURE_PLUGINS_DIR) / "timers").string() +
              "\nlog_level: warn\n");
    start();
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

  std::size_t lines_in(const fs::path& file) {
    std::ifstream in(file);
    std::size_t n = 0;
    for (std::string line; std::getline(in, line);) ++n;
    return n;
  }
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
              R"("defined": "R/PT1S", "params": {"log_file": ")" +
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
  std::this_thread::sleep_for(1500ms);
  EXPECT_LE(lines_in(log), after_delete + 1);  // at most the firing that was running
}

TEST_F(TimerApi, MetricsReportTimerFiringsAndLateness) {
  call("POST", "/api/schedules",
       R"({"name": "tick", "action": "probe", "timer_type": "time_cycle", "defined": "R3/PT1S"})");
  ASSERT_TRUE(eventually([&] {
    auto r = call("GET", "/api/schedules/tick");
    // Done once the last firing has moved it on; its action (and lateness) follow the commit.
    return r.json && r.json->getObject("data")->getValue<std::string>("state") == "done" &&
           !r.json->getObject("data")->getValue<bool>("running");
  }));
  auto metrics = call_api(warden_->port(), "GET", "/metrics").body;
  EXPECT_NE(metrics.find("warden_timer_firings_total{outcome=\"ok\"} 3"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("warden_timer_lateness_seconds_count 3"), std::string::npos);
}

/// The schedule refusal's message for `field`, or "" when it was not refused with 400.
std::string refusal_of(const ApiResponse& r, const std::string& field) {
  if (r.status != 400 || !r.json || !r.json->has("errors")) return "";
  const auto errors = r.json->getObject("errors");
  return errors->has(field) ? errors->getValue<std::string>(field) : "";
}

TEST_F(TimerApi, DateTimesAreReadStrictlyOneWayOnEveryRoute) {
  auto schedule = [&](const std::string& type, const std::string& defined) {
    return call("POST", "/api/schedules",
                R"({"name": "t", "action": "probe", "timer_type": ")" + type +
                    R"(", "defined": ")" + defined + R"("})");
  };
  const std::vector<std::pair<std::string, std::string>> refused = {
      {"2027-06-01T00:00:00+01:75", "the offset's minutes must be 00 to 59"},
      {"2027-06-01T00:00:00+25:00", "the offset's hours must be 00 to 14"},
      {"2027-06-01T00:00:00-99:99", "the offset's hours must be 00 to 14"},
      {"2027-06-01T00:00:00+14:01", "the offset must be within ±14:00"},
      {"2027-6-01T00:00:00Z", "the month must be exactly 2 digits"},
      {"T0:00:00Z", "the year must be exactly 4 digits"},
      {"00:00:00.Z", "the year must be exactly 4 digits"},
      {"2044-03-27T02:30:00+01:00[Europe/Berlin]", "the clocks skip it (a daylight-saving gap)"},
      {"2044-03-13T02:30:00-05:00[America/New_York]", "the clocks skip it"},
      {"2044-10-02T02:15:00+10:30[Australia/Lord_Howe]", "the clocks skip it"},
      {"2040-07-01T12:00:00+01:00[Europe/Berlin]", "the offset is not Europe/Berlin's"},
  };
  for (const auto& [text, reason] : refused) {
    SCOPED_TRACE(text);
    const auto r = schedule("time_date", text);
    EXPECT_NE(refusal_of(r, "defined").find(reason), std::string::npos)
        << r.status << " " << r.body;
  }
  // Summer time after 2037, 30-minute daylight saving, fractions of up to 9 digits.
  for (const std::string text :
       {"2040-07-01T12:00:00+02:00[Europe/Berlin]", "2044-07-01T12:00:00-04:00[America/New_York]",
        "2044-01-15T12:00:00+11:00[Australia/Lord_Howe]", "2027-05-04T12:00:00.123456+01:00",
        "2099-05-04T12:00:00.123456789+01:00"}) {
    SCOPED_TRACE(text);
    const auto r = schedule("time_date", text);
    EXPECT_TRUE(r.status == 200 || r.status == 201) << r.body;
  }
  // A region inside a cycle's start.
  const auto berlin = schedule("time_cycle", "R3/2027-07-01T12:00:00+02:00[Europe/Berlin]/PT1H");
  ASSERT_EQ(berlin.status, 200) << berlin.body;  // replaces "t"
  EXPECT_EQ(berlin.json->getObject("data")->getValue<std::string>("due_time"),
            "2027-07-01T10:00:00.000+00:00");
  // Calendar steps count in the start's offset: 29 February + 1 year is 28 February at 02:00
  // local (20:30 UTC the day before), not 28 February at 20:30 UTC (1 March local).
  const auto leap = call("POST", "/api/schedules",
                         R"({"name": "t", "action": "probe", "timer_type": "time_cycle", )"
                         R"("defined": "R/2024-02-29T02:00:00+05:30/P1Y", "misfire": "skip"})");
  ASSERT_EQ(leap.status, 200) << leap.body;
  const auto due = leap.json->getObject("data")->getValue<std::string>("due_time");
  const int year = std::stoi(due.substr(0, 4));
  const bool leap_year = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
  EXPECT_EQ(due.substr(4), leap_year ? "-02-28T20:30:00.000+00:00" : "-02-27T20:30:00.000+00:00");
  EXPECT_NE(refusal_of(schedule("time_duration", "P9000Y"), "defined")
                .find("the due time is past 9999-12-31"),
            std::string::npos);
  EXPECT_NE(refusal_of(schedule("time_cycle", "R/PT0.001S"), "defined")
                .find("the period must be at least 1 s"),
            std::string::npos);
  EXPECT_NE(refusal_of(schedule("cron", "0 0 30 2 *"), "defined").find("can never fire"),
            std::string::npos);

  // The same reader for events, notifications and circuit breakers.
  const auto task = running_task();
  const auto event = call("POST", "/api/timer_events",
                          R"({")" + task +
                              R"(": [{"action": "forced_fail", "timer_type": "time_date", )"
                              R"("defined": "2027-06-01T00:00:00+14:01"}]})");
  EXPECT_EQ(event.status, 400) << event.body;
  EXPECT_NE(refusal_of(event, task + "[0].defined").find("the offset must be within ±14:00"),
            std::string::npos)
      << event.body;
  const auto since = call("GET", "/api/notifications?since=2027-6-01T00:00:00Z");
  EXPECT_EQ(since.status, 400);
  EXPECT_NE(since.body.find("the month must be exactly 2 digits"), std::string::npos) << since.body;
}

TEST_F(TimerApi, ACycleStartingIn2000FollowsItsMisfirePolicyInsteadOfFiringEveryMissedSecond) {
  const auto log = dir_.path() / "x.log";
  const auto r = call("POST", "/api/schedules",
                      R"({"name": "x", "action": "probe", "timer_type": "time_cycle", )"
                      R"("defined": "R/2000-01-01T00:00:00Z/PT1S", "misfire": "skip", )"
                      R"("params": {"log_file": ")" +
                          log.string() + R"("}})");
  ASSERT_EQ(r.status, 201) << r.body;
  auto schedule = [&] { return call("GET", "/api/schedules/x").json->getObject("data"); };
  EXPECT_GT(schedule()->getValue<std::int64_t>("skipped_overlaps"), 800'000'000);
  ASSERT_TRUE(eventually([&] { return lines_in(log) >= 2; }));
  std::this_thread::sleep_for(1s);
  EXPECT_LE(schedule()->getValue<int>("runs"), 6);  // about one a second, not 266,000 in 10 s
  EXPECT_LE(lines_in(log), 6u);

  warden_->kill();
  start();
  const auto fired_before = lines_in(log);
  ASSERT_TRUE(eventually([&] { return lines_in(log) >= fired_before + 2; }))
      << "the schedule did not fire again after a restart";
  std::this_thread::sleep_for(1s);
  EXPECT_LE(lines_in(log), fired_before + 5);  // no burst after the restart either
  EXPECT_EQ(schedule()->getValue<std::string>("state"), "armed");
}

}  // namespace
}  // namespace warden::test
