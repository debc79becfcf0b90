// The bundled Flink jobs monitor on the real binary: a schedule polls a fake Flink JobManager, an
// http_callback channel instance delivers to a real receiver, and job state changes on the fake
// cluster arrive as alerts, field by field, once per transition, across a SIGKILL, with slow polls
// skipped rather than overlapped.
#include "tests/support/eventually.hpp"
#include "tests/support/fake_flink.hpp"
#include "tests/support/http_receiver.hpp"
#include "tests/support/serve_test.hpp"

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <functional>
#include <thread>

namespace warden::test {
namespace {
using namespace std::chrono_literals;

// The http_callback body: every alert field a channel's default template shows, cp figures too.
const std::string kAlertTemplate =
    R"({"type": "{{type}}", "subject": "{{subject}}", "title": "{{title}}", "source": "{{source}}", )"
    R"("id": "{{id}}", "status": "{{status}}", "severity": "{{severity}}", )"
    R"("start_time": "{{start_time}}", "end_time": "{{end_time}}", "duration": "{{duration}}", )"
    R"("link": "{{link}}", "restart_index": {{restart_index}}, "total_restart": {{total_restart}}, )"
    R"("cp_failure_rate_interval": {{cp_failure_rate_interval}}, )"
    R"("cp_max_failure_interval": {{cp_max_failure_interval}}, "message": "{{message}}", )"
    R"("labels": {{{labels_json}}}})";

std::string quoted_json(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

class FlinkMonitor : public ServeTest {
 protected:
  FlinkMonitor() : ServeTest("e2e-flink-token") {}

  void SetUp() override {
    configure("plugins_dir: " + std::string(WARDEN_STAGED_PLUGINS_DIR) + "\nlog_level: warn\n");
    start();
    auto r = call("PUT", "/api/channels/ops",
                  R"({"channel": "http_callback", "config": {"url": ")" + receiver_.url("/hook") +
                      R"(", "alertTpl": )" + quoted_json(kAlertTemplate) + "}}");
    ASSERT_TRUE(r.status == 200 || r.status == 201) << r.body;
  }

  void start() {
    ServeTest::start({{"WARDEN_FLINK_CANCELS_DIR", (dir_.path() / "cancels").string()}});
  }

  void schedule(const std::string& params, const std::string& every = "PT1S") {
    auto r =
        call("POST", "/api/schedules",
             R"({"name": "flink", "action": "flink_jobs_monitor", "timer_type": "time_cycle", )"
             R"("defined": "R/)" +
                 every + R"(", "params": {"restUrl": ")" + flink_.url() +
                 R"(", "channels": ["ops"])" + params + "}}");
    ASSERT_EQ(r.status, 201) << r.body;
  }

  Poco::JSON::Object::Ptr schedule_state() {
    auto r = call("GET", "/api/schedules/flink");
    return r.status == 200 ? r.json->getObject("data") : nullptr;
  }

  /// Waits until the schedule has run `runs` more times than now.
  bool polls_pass(int runs) {
    // `runs` counts a firing when it starts; its poll (and so the state it records) is over only
    // once the schedule is no longer running. Counting starts alone let a change made during a
    // slow baseline poll (a busy machine) land in the baseline, and its alert never came.
    const int from = schedule_state()->getValue<int>("runs");
    return eventually([&] {
      const auto s = schedule_state();
      return s && s->getValue<int>("runs") >= from + runs && !s->getValue<bool>("running");
    });
  }

  std::vector<Poco::JSON::Object::Ptr> alerts() const {
    std::vector<Poco::JSON::Object::Ptr> out;
    for (const auto& request : receiver_.requests())
      out.push_back(Poco::JSON::Parser().parse(request.body).extract<Poco::JSON::Object::Ptr>());
    return out;
  }

  /// Alerts about `id` with `status`.
  std::vector<Poco::JSON::Object::Ptr> alerts_for(const std::string& id,
                                                  const std::string& status) const {
    std::vector<Poco::JSON::Object::Ptr> out;
    for (const auto& a : alerts())
      if (a->getValue<std::string>("id") == id && a->getValue<std::string>("status") == status)
        out.push_back(a);
    return out;
  }

  Poco::JSON::Object::Ptr wait_alert(const std::string& id, const std::string& status) {
    eventually([&] { return !alerts_for(id, status).empty(); });
    const auto found = alerts_for(id, status);
    return found.empty() ? nullptr : found.front();
  }

  void add_running(int n, const std::string& name) {
    FakeFlinkJob job;
    job.id = flink_job_id(n);
    job.name = name;
    flink_.put(job);
  }

  HttpReceiver receiver_;
  FakeFlinkCluster flink_;
};

std::string text(const Poco::JSON::Object::Ptr& a, const std::string& key) {
  return a->getValue<std::string>(key);
}

TEST_F(FlinkMonitor, EachTransitionAlertsOnceWithEveryField) {
  add_running(1, "orders-etl");
  add_running(2, "cancelled-by-warden");
  add_running(3, "cancelled-by-hand");
  add_running(4, "flaky");
  add_running(5, "slow-checkpoints");
  add_running(6, "not-watched");
  schedule(R"(, "restartBudget": 1, "cpMaxFailureInterval": 1, "cpFailureRateInterval": 60, )"
           R"j("lostAfter": 2, "notifyRecovery": true, "jobNameFilter": "^(?!not-)")j");
  ASSERT_TRUE(polls_pass(1));  // the baseline

  const std::string trace =
      "java.lang.RuntimeException: sink unavailable\n\tat com.example.Sink.invoke(Sink.java:42)\n"
      "\tat a.b(C.java:1)\n\tat a.b(C.java:2)\n\tat a.b(C.java:3)\n\tat a.b(C.java:4)\n"
      "\tat a.b(C.java:5)";
  flink_.change(flink_job_id(1), [&](FakeFlinkJob& j) {
    j.state = "FAILED";
    j.root_exception = trace;
  });
  flink_.set_state(flink_job_id(6), "FAILED");
  auto failed = wait_alert(flink_job_id(1), "FAILED");
  ASSERT_TRUE(failed) << warden_->log();
  EXPECT_EQ(text(failed, "type"), "job_state");
  EXPECT_EQ(text(failed, "source"), "orders-etl");
  EXPECT_EQ(text(failed, "severity"), "critical");
  EXPECT_EQ(text(failed, "title"), "Flink job orders-etl is FAILED");
  EXPECT_EQ(text(failed, "subject"), "Flink job FAILED: orders-etl");
  EXPECT_EQ(text(failed, "link"),
            flink_.url() + "/#/job/completed/" + flink_job_id(1) + "/overview");
  EXPECT_EQ(
      text(failed, "message"),
      "java.lang.RuntimeException: sink unavailable\n\tat com.example.Sink.invoke(Sink.java:42)"
      "\n\tat a.b(C.java:1)\n\tat a.b(C.java:2)\n\tat a.b(C.java:3)");
  EXPECT_EQ(text(failed, "start_time").size(), 29u) << text(failed, "start_time");
  EXPECT_EQ(text(failed, "start_time").substr(23), "+00:00");
  EXPECT_EQ(text(failed, "end_time").size(), 29u);
  EXPECT_FALSE(text(failed, "duration").empty());
  const auto labels = failed->getObject("labels");
  EXPECT_EQ(labels->getValue<std::string>("job_id"), flink_job_id(1));
  EXPECT_EQ(labels->getValue<std::string>("job_name"), "orders-etl");
  EXPECT_EQ(labels->getValue<std::string>("cluster"), "127.0.0.1:" + std::to_string(flink_.port()));

  // A cancel through Warden (the flink_cancel_job solution) is quiet; one by hand is not.
  auto task = call("POST", "/api/create_task",
                   R"({"data": {"service": "flink_cancel_job", "condition": {"restUrl": ")" +
                       flink_.url() + R"(", "jobId": ")" + flink_job_id(2) + R"("}}})");
  ASSERT_EQ(task.status, 200) << task.body;
  ASSERT_TRUE(eventually([&] { return flink_.cancels().size() == 1; }));
  flink_.set_state(flink_job_id(3), "CANCELED");
  auto canceled = wait_alert(flink_job_id(3), "CANCELED");
  ASSERT_TRUE(canceled);
  EXPECT_EQ(text(canceled, "severity"), "warning");
  EXPECT_EQ(text(canceled, "source"), "cancelled-by-hand");

  // Restarts beyond the budget, and checkpoint failures beyond the maximum.
  flink_.change(flink_job_id(4), [](FakeFlinkJob& j) { j.restarts = 2; });
  flink_.change(flink_job_id(5), [](FakeFlinkJob& j) {
    j.checkpoints_failed = 2;
    j.checkpoint_failure = "Checkpoint expired before completing.";
  });
  auto restarts = wait_alert(flink_job_id(4), "RESTARTING");
  ASSERT_TRUE(restarts);
  EXPECT_EQ(restarts->getValue<int>("restart_index"), 2);
  EXPECT_EQ(restarts->getValue<int>("total_restart"), 1);
  auto checkpoints = wait_alert(flink_job_id(5), "FAILING");
  ASSERT_TRUE(checkpoints);
  EXPECT_EQ(text(checkpoints, "type"), "checkpoint");
  EXPECT_EQ(checkpoints->getValue<int>("cp_failure_rate_interval"), 60);
  EXPECT_EQ(checkpoints->getValue<int>("cp_max_failure_interval"), 1);
  EXPECT_NE(text(checkpoints, "message").find("2 checkpoint failure(s) within 1 min"),
            std::string::npos);
  EXPECT_NE(text(checkpoints, "message").find("Checkpoint expired"), std::string::npos);

  // The cluster stops answering: LOST once after lostAfter, RECOVERED once when it answers.
  flink_.set_down(true);
  const std::string cluster = "127.0.0.1:" + std::to_string(flink_.port());
  auto lost = wait_alert(cluster, "LOST");
  ASSERT_TRUE(lost);
  EXPECT_EQ(text(lost, "type"), "cluster");
  EXPECT_EQ(text(lost, "source"), cluster);
  EXPECT_NE(text(lost, "message").find("503"), std::string::npos) << text(lost, "message");
  ASSERT_TRUE(polls_pass(2));
  EXPECT_NE(schedule_state()->getValue<std::string>("last_error").find("/jobs/overview"),
            std::string::npos);
  flink_.set_down(false);
  ASSERT_TRUE(wait_alert(cluster, "RECOVERED"));

  ASSERT_TRUE(polls_pass(3));
  EXPECT_EQ(alerts_for(flink_job_id(1), "FAILED").size(), 1u);
  EXPECT_EQ(alerts_for(flink_job_id(2), "CANCELED").size(), 0u);
  EXPECT_EQ(alerts_for(flink_job_id(3), "CANCELED").size(), 1u);
  EXPECT_EQ(alerts_for(flink_job_id(4), "RESTARTING").size(), 1u);
  EXPECT_EQ(alerts_for(flink_job_id(5), "FAILING").size(), 1u);
  EXPECT_EQ(alerts_for(flink_job_id(6), "FAILED").size(), 0u);  // left out by the filter
  EXPECT_EQ(alerts_for(cluster, "LOST").size(), 1u);
  EXPECT_EQ(alerts_for(cluster, "RECOVERED").size(), 1u);
  EXPECT_EQ(alerts().size(), 6u);
}

TEST_F(FlinkMonitor, ASigkillNeitherRepeatsOldAlertsNorMissesChangesMadeWhileDown) {
  add_running(1, "first");
  add_running(2, "second");
  schedule("");
  ASSERT_TRUE(polls_pass(1));
  flink_.set_state(flink_job_id(1), "FAILED");
  ASSERT_TRUE(wait_alert(flink_job_id(1), "FAILED"));
  ASSERT_TRUE(polls_pass(2));  // the firing's state is stored behind it

  warden_->kill();
  flink_.set_state(flink_job_id(2), "FAILED");
  std::this_thread::sleep_for(1500ms);
  start();
  ASSERT_TRUE(wait_alert(flink_job_id(2), "FAILED")) << warden_->log();
  ASSERT_TRUE(polls_pass(3));
  EXPECT_EQ(alerts_for(flink_job_id(1), "FAILED").size(), 1u);
  EXPECT_EQ(alerts_for(flink_job_id(2), "FAILED").size(), 1u);
  EXPECT_EQ(alerts().size(), 2u);
}

TEST_F(FlinkMonitor, AScheduleNamingAnUnknownChannelInstanceIsRefusedWhenSaved) {
  auto r = call("POST", "/api/schedules",
                R"({"name": "flink", "action": "flink_jobs_monitor", "timer_type": "time_cycle", )"
                R"("defined": "R/PT5S", "params": {"restUrl": ")" +
                    flink_.url() + R"(", "channels": ["ops", "pager"]}})");
  ASSERT_EQ(r.status, 400) << r.body;
  ASSERT_TRUE(r.json);
  const auto errors = r.json->getObject("errors");
  ASSERT_TRUE(errors) << r.body;
  EXPECT_EQ(errors->optValue<std::string>("params.channels", ""),
            "unknown channel \"pager\" (known channels: ops)")
      << r.body;
  // Once the instance exists, the same schedule is taken.
  auto put = call(
      "PUT", "/api/channels/pager",
      R"({"channel": "http_callback", "config": {"url": ")" + receiver_.url("/pager") + R"("}})");
  ASSERT_EQ(put.status, 201) << put.body;
  r = call("POST", "/api/schedules",
           R"({"name": "flink", "action": "flink_jobs_monitor", "timer_type": "time_cycle", )"
           R"("defined": "R/PT5S", "params": {"restUrl": ")" +
               flink_.url() + R"(", "channels": ["ops", "pager"]}})");
  EXPECT_EQ(r.status, 201) << r.body;
}

TEST_F(FlinkMonitor, ASlowClusterMakesFiringsSkipInsteadOfOverlapping) {
  add_running(1, "slow");
  flink_.set_delay(2500ms);
  schedule(R"(, "requestTimeout": 10)");
  ASSERT_TRUE(
      eventually([&] { return schedule_state()->getValue<int>("skipped_overlaps") >= 2; }, 20s));
  const auto state = schedule_state();
  EXPECT_GE(state->getValue<int>("runs"), 1);
  // One poll at a time: every overview request took 2.5 s, so in the time of 2 skips at most 2
  // requests (not one per second) reached the cluster.
  EXPECT_LE(flink_.overview_requests(), static_cast<std::size_t>(state->getValue<int>("runs")) + 1);
  // The first answer (the baseline) is still on its way: let it arrive before the job fails.
  flink_.set_delay(0ms);
  ASSERT_TRUE(eventually(
      [&] { return schedule_state()->optValue<std::string>("last_outcome", "") == "ok"; }));
  ASSERT_TRUE(polls_pass(1));
  flink_.set_state(flink_job_id(1), "FAILED");
  EXPECT_TRUE(wait_alert(flink_job_id(1), "FAILED"))
      << call("GET", "/api/schedules/flink").body << warden_->log();
}

}  // namespace
}  // namespace warden::test
