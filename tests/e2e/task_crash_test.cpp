// Issue 16 for tasks on the real binary: a step that takes the host down (the scripted solution's
// `crash_step`, run in the host's process) runs again after one host death, but not after a
// second: the task is then `failed` with failure_type `plugin_crash`, and the host stays up.
#include "tests/support/api_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

namespace warden::test {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::string kToken = "e2e-task-crash-token";

class TaskCrash : public ::testing::Test {
 protected:
  void SetUp() override {
    // In process: the step must take the host down with it, as a trusted plugin's crash does.
    dir_.write("warden.yaml", "plugins_dir:\n  - " +
                                  (fs::path(WARDEN_FIXTURE_PLUGINS_DIR) / "tasks").string() +
                                  "\nlog_level: warn\nisolation:\n  plugins: {scripted: "
                                  "in_process}\nTEST:\n  database: sqlite:" +
                                  (dir_.path() / "warden.db").string() + "\n");
  }

  std::unique_ptr<WardenProcess> launch() {
    return std::make_unique<WardenProcess>(
        std::vector<std::string>{"serve", "--config", (dir_.path() / "warden.yaml").string(),
                                 "--listen", "127.0.0.1:0"},
        std::map<std::string, std::string>{{"AUTH_TOKEN", kToken}});
  }

  /// Starts the host, which the stored task's step kills (maybe before it serves).
  void start_and_see_it_die() {
    auto warden = launch();
    ASSERT_TRUE(warden->wait_for_exit(60s)) << "the step did not kill the host\n" << warden->log();
  }

  /// The steps the solution logged, by name.
  std::map<std::string, int> steps() {
    std::map<std::string, int> out;
    std::ifstream in(log_);
    for (std::string line; std::getline(in, line);) ++out[line.substr(line.find(' ') + 1)];
    return out;
  }

  /// Creates a task whose step `crash_step` kills the host, and waits for that.
  std::string create_and_see_it_die(const std::string& crash_step) {
    auto warden = launch();
    EXPECT_TRUE(warden->wait_until_serving(60s)) << warden->log();
    auto r = call_api(warden->port(), "POST", "/api/create_task", kToken,
                      R"({"data": {"service": "scripted", "condition": {"mode": "steps", )"
                      R"("delay_ms": 100, "crash_step": ")" +
                          crash_step + R"(", "log_file": ")" + log_.string() + R"("}}})");
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(warden->wait_for_exit(60s)) << "the step did not kill the host\n" << warden->log();
    return r.json ? r.json->getValue<std::string>("task_id") : "";
  }

  /// Starts the host for good: the task has failed and is not run again.
  void expect_failed(const std::string& task, const std::string& message) {
    auto warden = launch();
    ASSERT_TRUE(warden->wait_until_serving(60s)) << warden->log();
    auto r = call_api(warden->port(), "POST", "/api/result_task", kToken,
                      R"({"data": {"task_id": ")" + task + R"("}})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json->getValue<std::string>("status"), "failed");
    EXPECT_EQ(r.json->getValue<std::string>("failure_type"), "plugin_crash");
    EXPECT_EQ(r.json->getValue<std::string>("message"), message);
    // Stored so (the list reads the store), and the host stays up.
    bool stored = false;
    for (auto until = std::chrono::steady_clock::now() + 60s;
         !stored && std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(20ms)) {
      auto listed = call_api(warden->port(), "POST", "/api/tasks", kToken,
                             R"({"p_size": 1, "status": "failed"})");
      stored = listed.json && listed.json->getValue<int>("total") == 1;
    }
    EXPECT_TRUE(stored);
    EXPECT_TRUE(warden->running());
  }

  TempDir dir_;
  fs::path log_ = dir_.path() / "steps.log";
};

TEST_F(TaskCrash, ARunThatKillsTheHostRunsOnceMoreThenTheTaskFailsAsAPluginCrash) {
  const auto task = create_and_see_it_die("run");
  EXPECT_EQ(steps()["run"], 1);
  start_and_see_it_die();  // in flight at one death: it runs again
  EXPECT_EQ(steps()["run"], 2);
  expect_failed(task, "the host stopped twice while step \"run\" ran; not run again");
  EXPECT_EQ(steps()["run"], 2);
}

TEST_F(TaskCrash, AStepAfterACallbackThatKillsTheHostFailsAfterItsThirdDeath) {
  // The wake-up of a callback is not stored (that would be a commit per step): the first death
  // during step2 is not seen, so step2 runs three times.
  const auto task = create_and_see_it_die("step2");
  EXPECT_EQ(steps()["step2"], 1);
  start_and_see_it_die();
  start_and_see_it_die();
  EXPECT_EQ(steps()["step2"], 3);
  expect_failed(task, "the host stopped twice while step \"step2\" ran; not run again");
  EXPECT_EQ(steps()["step2"], 3);
  EXPECT_EQ(steps()["run"], 1);
}

}  // namespace
}  // namespace warden::test
