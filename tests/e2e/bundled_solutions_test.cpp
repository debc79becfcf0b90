// The bundled solutions as an operator runs them: created over HTTP on the real binary, against
// real HTTP servers on 127.0.0.1.
#include "tests/support/api_client.hpp"
#include "tests/support/http_receiver.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <thread>

namespace warden::test {
namespace {
using namespace std::chrono_literals;

const std::string kToken = "e2e-bundled";

class BundledSolutions : public ::testing::Test {
 protected:
  void SetUp() override {
    warden_ = std::make_unique<WardenProcess>(
        std::vector<std::string>{
            "serve", "--listen", "127.0.0.1:0", "--plugins-dir", WARDEN_STAGED_PLUGINS_DIR, "--db",
            "sqlite:" + (dir_.path() / "w.db").string(), "--log-level", "warn"},
        std::map<std::string, std::string>{{"AUTH_TOKEN", kToken}});
    ASSERT_TRUE(warden_->wait_until_serving()) << warden_->log();
  }

  std::string create(const std::string& service, const std::string& condition) {
    auto r =
        call_api(warden_->port(), "POST", "/api/create_task", kToken,
                 R"({"data": {"service": ")" + service + R"(", "condition": )" + condition + "}}");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json ? r.json->getValue<std::string>("task_id") : "";
  }

  /// result_task's answer once the task has ended.
  Poco::JSON::Object::Ptr result(const std::string& id, std::chrono::seconds limit = 20s) {
    const auto until = std::chrono::steady_clock::now() + limit;
    Poco::JSON::Object::Ptr last;
    while (std::chrono::steady_clock::now() < until) {
      last = call_api(warden_->port(), "POST", "/api/result_task", kToken,
                      R"({"data": {"task_id": ")" + id + R"("}})")
                 .json;
      auto status = last ? last->getValue<std::string>("status") : "";
      if (status == "finished" || status == "failed") return last;
      std::this_thread::sleep_for(20ms);
    }
    ADD_FAILURE() << id << " did not end";
    return last;
  }

  TempDir dir_;
  std::unique_ptr<WardenProcess> warden_;
};

TEST_F(BundledSolutions, SleepFinishesAfterItsSeconds) {
  auto r = result(create("sleep", R"({"seconds": 1})"));
  EXPECT_EQ(r->getValue<std::string>("status"), "finished");
  EXPECT_GE(r->getValue<double>("spend_time"), 1.0);
  EXPECT_LT(r->getValue<double>("spend_time"), 3.0);
  EXPECT_EQ(r->getObject("data")->getValue<int>("slept_seconds"), 1);
}

TEST_F(BundledSolutions, HttpPollFinishesWhenTheFieldReadsTheValue) {
  HttpReceiver job;
  job.respond("/job", {200, R"({"status": {"phase": "running"}})", "application/json"});
  auto id = create("http_poll", R"({"url": ")" + job.url("/job") +
                                    R"(", "field": "status.phase", "equals": "done",
                                    "interval": 1, "timeout": 30})");
  ASSERT_TRUE(job.wait_for(2, 10s));
  job.respond("/job", {200, R"({"status": {"phase": "done"}})", "application/json"});
  auto r = result(id);
  EXPECT_EQ(r->getValue<std::string>("status"), "finished") << r->getValue<std::string>("message");
  EXPECT_EQ(r->getObject("data")->getObject("answer")->getObject("status")->getValue<std::string>(
                "phase"),
            "done");
}

TEST_F(BundledSolutions, HttpPollFailsWithTimeoutWhenItNeverMatches) {
  HttpReceiver job;
  job.respond("/job", {200, R"({"state": "running"})", "application/json"});
  auto r = result(create("http_poll", R"({"url": ")" + job.url("/job") +
                                          R"(", "field": "state", "equals": "done",
                                          "interval": 1, "timeout": 2})"));
  EXPECT_EQ(r->getValue<std::string>("status"), "failed");
  EXPECT_EQ(r->getValue<std::string>("failure_type"), "timeout");
}

TEST_F(BundledSolutions, WebhookRetriesAFailingEndpointThenRecordsTheAnswer) {
  HttpReceiver hook;
  hook.respond("/hook", {503, "down", "text/plain", {{"Retry-After", "1"}}});
  auto id = create("webhook", R"({"url": ")" + hook.url("/hook") +
                                  R"(", "body": "{\"task\": \"{{task.task_id}}\"}", "retries": 3,
                                  "headers": "X-Run: e2e"})");
  ASSERT_TRUE(hook.wait_for(1, 10s));
  hook.respond("/hook", {200, R"({"accepted": true})", "application/json"});
  auto r = result(id);
  EXPECT_EQ(r->getValue<std::string>("status"), "finished") << r->getValue<std::string>("message");
  auto requests = hook.requests();
  ASSERT_GE(requests.size(), 2u);
  EXPECT_EQ(requests.back().header("X-Run"), "e2e");
  auto sent = Poco::JSON::Parser().parse(requests.back().body).extract<Poco::JSON::Object::Ptr>();
  EXPECT_EQ(sent->getValue<std::string>("task"), id);
  EXPECT_EQ(r->getObject("data")->getValue<int>("status"), 200);
  EXPECT_EQ(r->getObject("data")->getValue<int>("attempts"), static_cast<int>(requests.size()));
}

}  // namespace
}  // namespace warden::test
