// Seed 004's task routes on the real binary: shapes, answers and every refusal, over HTTP.
#include "tests/support/eventually.hpp"
#include "tests/support/serve_test.hpp"

#include <Poco/JSON/Array.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <set>
#include <thread>

namespace warden::test {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

class TaskApi : public ServeTest {
 protected:
  TaskApi() : ServeTest("e2e-tasks-token") {}

  void SetUp() override {
    configure("plugins_dir:\n  - " + std::string(WARDEN_STAGED_PLUGINS_DIR) + "\n  - " +
              (fs::path(WARDEN_FIXTURE_PLUGINS_DIR) / "tasks").string() +
              "\nworkers: 2\nmax_status_task: 3\nlog_level: warn\n"
              "source_db:\n  test:\n    source_name: mongo\n");
    start();
  }

  ApiResponse post(const std::string& path, const std::string& body) {
    return call("POST", path, body);
  }

  /// The `message` of an error answer with `status`.
  std::string refusal(const std::string& path, const std::string& body, int status = 400) {
    auto r = post(path, body);
    EXPECT_EQ(r.status, status) << path << " " << body << " -> " << r.body;
    if (!r.json) return "(not JSON: " + r.body + ")";
    EXPECT_EQ(r.json->getValue<std::string>("result"), "exception");
    return r.json->getValue<std::string>("message");
  }

  std::string create(const std::string& service, const std::string& condition,
                     const std::string& extra = "") {
    auto r = post("/api/create_task", R"({"data": {"service": ")" + service +
                                          R"(", "condition": )" + condition + extra + "}}");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json ? r.json->getValue<std::string>("task_id") : "";
  }

  Poco::JSON::Object::Ptr status_of(const std::string& id) {
    auto r = post("/api/status_task", R"({"data": [{"task_id": ")" + id + R"("}]})");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json->getArray("status")->getObject(0);
  }

  /// The task's status once it is one of `wanted` (within a minute: a busy machine is slow), else
  /// "still <status>".
  std::string wait_status(const std::string& id, const std::set<std::string>& wanted) {
    const auto until = std::chrono::steady_clock::now() + 60s;
    while (std::chrono::steady_clock::now() < until) {
      auto status = status_of(id)->getValue<std::string>("status");
      if (wanted.contains(status)) return status;
      std::this_thread::sleep_for(5ms);
    }
    return "still " + status_of(id)->getValue<std::string>("status");
  }

  std::string wait_ended(const std::string& id) { return wait_status(id, {"finished", "failed"}); }
};

TEST_F(TaskApi, CreateStatusAndResultInSeed004Shapes) {
  auto id = create("test", R"({"message": "hi"})");
  EXPECT_TRUE(std::regex_match(id, std::regex("ts_test_[0-9a-f-]{36}"))) << id;
  EXPECT_EQ(wait_ended(id), "finished");

  auto status = status_of(id);
  EXPECT_EQ(status->getValue<std::string>("task_id"), id);
  EXPECT_EQ(status->getValue<std::string>("message"), "test solution ran successfully");
  const std::regex iso(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00)");
  EXPECT_TRUE(std::regex_match(status->getValue<std::string>("start_time"), iso));
  EXPECT_TRUE(std::regex_match(status->getValue<std::string>("end_time"), iso));

  auto result = post("/api/result_task", R"({"data": {"task_id": ")" + id + R"("}})");
  ASSERT_EQ(result.status, 200) << result.body;
  EXPECT_EQ(result.json->getValue<std::string>("result"), "ok");
  EXPECT_EQ(result.json->getObject("data")->getValue<std::string>("step"), "step1");
  EXPECT_EQ(result.json->getObject("data")->getValue<std::string>("message"), "hi");
  EXPECT_EQ(result.json->getValue<std::string>("step"), "run");  // the one it ended in
  EXPECT_GE(result.json->getValue<double>("spend_time"), 0.0);
  EXPECT_TRUE(result.json->has("start_time") && result.json->has("end_time"));
}

TEST_F(TaskApi, StatusOfUnknownIdsReadsInvalidAndTooManyIdsAreRefused) {
  auto id = create("test", "{}");
  auto r = post("/api/status_task",
                R"({"data": [{"task_id": "ts_test_nope"}, {"task_id": ")" + id + R"("}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto list = r.json->getArray("status");
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ(list->getObject(0)->getValue<std::string>("status"), "Invalid");
  EXPECT_NE(list->getObject(1)->getValue<std::string>("status"), "Invalid");
  EXPECT_EQ(refusal("/api/status_task", R"({"data": [{"task_id": "a"}, {"task_id": "b"},
                                                     {"task_id": "c"}, {"task_id": "d"}]})"),
            "too many task ids: 4; max_status_task allows 3");
}

TEST_F(TaskApi, WrongShapesTypesAndMissingFieldsEachSayWhat) {
  EXPECT_EQ(refusal("/api/create_task", R"({"service": "test"})").rfind("\"data\" is required", 0),
            0u);
  EXPECT_EQ(
      refusal("/api/create_task", R"({"data": []})").rfind("\"data\" must be a JSON object", 0),
      0u);
  EXPECT_EQ(refusal("/api/create_task", R"({"data": {"condition": {}}})"),
            "\"data.service\" is required");
  EXPECT_EQ(refusal("/api/create_task", R"({"data": {"service": 7, "condition": {}}})"),
            "\"data.service\" must be a string");
  EXPECT_EQ(refusal("/api/create_task", R"({"data": {"service": "test"}})")
                .rfind("\"data.condition\" is required", 0),
            0u);
  EXPECT_EQ(refusal("/api/create_task", R"({"data": {"service": "nope", "condition": {}}})"),
            "service not support");
  EXPECT_EQ(refusal("/api/create_task", R"({"data": {"service": "example", "condition": {}}})"),
            "service not support");
  EXPECT_EQ(refusal("/api/create_task", R"({'data': {'service': 'test'}})")
                .rfind("request body is not valid JSON", 0),
            0u);
  auto invalid = post("/api/create_task",
                      R"({"data": {"service": "scripted", "condition": {"mode": 3, "x": 1}}})");
  EXPECT_EQ(invalid.status, 400);
  EXPECT_EQ(invalid.json->getValue<std::string>("message"), "invalid condition");
  EXPECT_TRUE(invalid.json->getObject("errors")->has("x"));
  EXPECT_TRUE(invalid.json->getObject("errors")->has("mode"));

  EXPECT_EQ(refusal("/api/status_task", R"({"data": {"task_id": "x"}})")
                .rfind("\"data\" must be a list of task ids", 0),
            0u);
  EXPECT_EQ(refusal("/api/status_task", R"({"data": [{"task_id": 5}]})"),
            "\"data[0].task_id\" must be a string");
  EXPECT_EQ(refusal("/api/result_task", R"({"data": {"task_id": "ts_x"}})", 404),
            "unknown task_id \"ts_x\"");
  EXPECT_EQ(
      refusal("/api/update_status_task", R"({"data": {"task_id": "ts_x", "status": "paused"}})"),
      "\"data.status\" must be one of running, finished, failed, not \"paused\"");
  EXPECT_EQ(refusal("/api/update_status_task",
                    R"({"data": {"task_id": "ts_x", "status": "failed"}})", 404),
            "unknown task_id \"ts_x\"");
  EXPECT_EQ(refusal("/api/tasks", R"({"p_size": 0})"),
            "\"p_size\" must be a whole number from 1 to 1000, not 0");
  EXPECT_EQ(refusal("/api/tasks", R"({"page": "2"})"),
            "\"page\" must be a whole number from 1 to 1000000");
  EXPECT_EQ(refusal("/api/tasks", R"({"status": "Invalid"})"),
            "\"status\" must be one of ready, waiting, running, finished, failed, not \"Invalid\"");
  EXPECT_EQ(refusal("/api/start_task", R"({})"), "\"task_id\" is required");
  EXPECT_EQ(refusal("/api/start_task", R"({"task_id": "ts_x"})", 404), "unknown task_id \"ts_x\"");
  EXPECT_EQ(
      refusal("/api/update_task", R"({"task_id": "ts_x"})").rfind("\"condition\" is required", 0),
      0u);
  EXPECT_TRUE(warden_->running());
}

TEST_F(TaskApi, NumbersOutOfRangeAreA400NamingTheField) {
  for (const std::string field : {"p_size", "page"}) {
    SCOPED_TRACE(field);
    const std::string range = field == "p_size" ? "1 to 1000" : "1 to 1000000";
    for (const std::string n : {"9223372036854775808", "18446744073709551615",
                                "-9223372036854775808", "4294967296", "1e300", "2.5"}) {
      const std::string spelled = n == "1e300" ? "1e+300" : n;
      EXPECT_EQ(refusal("/api/tasks", "{\"" + field + "\": " + n + "}"),
                "\"" + field + "\" must be a whole number from " + range + ", not " + spelled);
    }
    // Numbers the JSON reader cannot hold at all are refused with the body.
    for (const std::string n : {"1e400", "-1e400", "123456789012345678901234567890",
                                "-9223372036854775809", "18446744073709551616"})
      EXPECT_EQ(refusal("/api/tasks", "{\"" + field + "\": " + n + "}")
                    .rfind("request body is not valid JSON: ", 0),
                0u)
          << n;
  }
  // Poco's reader would take 2^64 + 1 for 1: refused before it is read.
  EXPECT_EQ(refusal("/api/tasks", R"({"p_size": 18446744073709551617})"),
            "request body is not valid JSON: the number 18446744073709551617 does not fit in 64 "
            "bits at line 1, column 12");
  EXPECT_EQ(refusal("/api/create_task",
                    R"({"data": {"service": "test", "condition": {}, "timeout": 1e300}})")
                .rfind("\"data.timeout\" must be a number of seconds", 0),
            0u);
  auto listed = post("/api/tasks", R"({"p_size": 1e1, "page": 1.0})");
  EXPECT_EQ(listed.status, 200) << listed.body;
  EXPECT_TRUE(warden_->running());
}

TEST_F(TaskApi, ListsFilterAndPage) {
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(create("test", R"({"message": "m"})"));
  create("scripted", R"({"mode": "fail", "secret": "hunter2"})");
  for (const auto& id : ids) wait_ended(id);
  auto r =
      post("/api/tasks", R"({"service": "test", "status": "finished", "p_size": 2, "page": 1})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json->getValue<int>("total"), 3);
  EXPECT_EQ(r.json->getValue<int>("count"), 2);
  auto first = r.json->getArray("data")->getObject(0);
  EXPECT_EQ(first->getValue<std::string>("task_id"), ids[2]);
  EXPECT_EQ(first->getValue<std::string>("service"), "test");
  EXPECT_EQ(first->getObject("condition")->getValue<std::string>("message"), "m");
  EXPECT_TRUE(first->has("create_time"));
  auto all = post("/api/tasks", "");
  EXPECT_EQ(all.json->getValue<int>("total"), 4);
  EXPECT_EQ(all.body.find("hunter2"), std::string::npos) << all.body;
  EXPECT_NE(all.body.find("******"), std::string::npos);
  // One task by its id (the console's detail page), whatever its age.
  auto one = post("/api/tasks", R"({"task_id": ")" + ids[0] + R"("})");
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(one.json->getValue<int>("total"), 1);
  EXPECT_EQ(one.json->getArray("data")->getObject(0)->getValue<std::string>("task_id"), ids[0]);
  EXPECT_EQ(post("/api/tasks", R"({"task_id": "ts_test_nope"})").json->getValue<int>("total"), 0);
  EXPECT_EQ(post("/api/tasks", R"({"task_id": ")" + ids[0] + R"(", "service": "scripted"})")
                .json->getValue<int>("total"),
            0);
}

TEST_F(TaskApi, StartUpdateAndExternalStatusFollowTheTaskLifeCycle) {
  auto id = create("test", R"({"message": "one"})", R"(, "start": false)");
  EXPECT_EQ(status_of(id)->getValue<std::string>("status"), "ready");
  auto updated =
      post("/api/update_task", R"({"task_id": ")" + id + R"(", "condition": {"message": "two"}})");
  EXPECT_EQ(updated.status, 200) << updated.body;
  auto started = post("/api/start_task", R"({"task_id": ")" + id + R"("})");
  ASSERT_EQ(started.status, 200) << started.body;
  EXPECT_EQ(started.json->getValue<std::string>("task_id"), id);
  EXPECT_EQ(wait_ended(id), "finished");
  auto result = post("/api/result_task", R"({"data": {"task_id": ")" + id + R"("}})");
  EXPECT_EQ(result.json->getObject("data")->getValue<std::string>("message"), "two");

  auto slow = create("scripted", R"({"mode": "steps", "delay_ms": 5000})");
  // Queued first (waiting), then its step runs: on a busy machine that can take a while.
  ASSERT_EQ(wait_status(slow, {"running"}), "running");
  EXPECT_EQ(
      refusal("/api/start_task", R"({"task_id": ")" + slow + R"("})", 409),
      "task \"" + slow + "\" is running; only a ready, finished or failed task can be started");
  EXPECT_EQ(refusal("/api/update_task", R"({"task_id": ")" + slow + R"(", "condition": {}})", 409),
            "task \"" + slow + "\" is running; its condition can change once it has ended");
  auto ended = post("/api/update_status_task",
                    R"({"data": {"task_id": ")" + slow +
                        R"(", "status": "failed", "message": "cancelled by operator"}})");
  ASSERT_EQ(ended.status, 200) << ended.body;
  EXPECT_EQ(ended.json->getObject("status")->getValue<std::string>("status"), "failed");
  EXPECT_EQ(status_of(slow)->getValue<std::string>("message"), "cancelled by operator");
}

TEST_F(TaskApi, MetricsCountTasksAndTheJournalsCommits) {
  EXPECT_EQ(wait_ended(create("test", "{}")), "finished");
  EXPECT_EQ(wait_ended(create("scripted", R"({"mode": "fail"})")), "failed");
  auto r = call_api(warden_->port(), "GET", "/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("warden_tasks_created_total 2\n"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("warden_tasks_ended_total{status=\"finished\"} 1\n"), std::string::npos);
  EXPECT_NE(r.body.find("warden_tasks_ended_total{status=\"failed\"} 1\n"), std::string::npos);
  EXPECT_NE(r.body.find("warden_task_commits_total "), std::string::npos);
}

TEST_F(TaskApi, ServiceTaskListsTheSolutions) {
  auto r = post("/api/service_task", "");
  ASSERT_EQ(r.status, 200) << r.body;
  std::vector<std::string> services;
  for (const auto& s : *r.json->getArray("data")) services.push_back(s.convert<std::string>());
  EXPECT_NE(std::find(services.begin(), services.end(), "test"), services.end());
  EXPECT_NE(std::find(services.begin(), services.end(), "scripted"), services.end());
  EXPECT_EQ(std::find(services.begin(), services.end(), "example"), services.end());
  EXPECT_EQ(r.json->getValue<int>("count"), static_cast<int>(services.size()));
}

TEST_F(TaskApi, SigtermLetsTheRunningStepEndAndTheNextHostFinishesTheTask) {
  auto log = dir_.path() / "steps.log";
  auto id =
      create("scripted", R"({"mode": "steps", "delay_ms": 100, "work_ms": 400, "log_file": ")" +
                             log.string() + R"("})");
  std::this_thread::sleep_for(150ms);  // `run` is working
  EXPECT_EQ(warden_->stop(), 0) << warden_->log();
  start();
  EXPECT_EQ(wait_ended(id), "finished");
  auto result = post("/api/result_task", R"({"data": {"task_id": ")" + id + R"("}})");
  auto steps = result.json->getObject("data")->getArray("steps");
  ASSERT_TRUE(steps);
  EXPECT_EQ(steps->size(), 3u) << result.body;  // run was not repeated
}

}  // namespace
}  // namespace warden::test
