// Plugins run in real warden-plugin-runner processes: the `scripted` task fixture, driven through
// RunnerHost as the task manager drives it.
#include "host/isolation/runner_host.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>

namespace warden::host {
namespace {

const std::filesystem::path kScripted =
    std::filesystem::path(WARDEN_FIXTURE_PLUGINS_DIR) / "tasks" / "scripted";

RunnerOptions runner_options() {
  RunnerOptions options;
  options.executable = WARDEN_RUNNER_BIN;
  options.log_level = "warn";
  return options;
}

/// A call whose condition is `{"mode": mode}` with the defaults the task manager would fill in.
StepCall step(const std::string& mode) {
  StepCall call;
  call.service = "scripted";
  call.task_id = "t1";
  call.condition = R"({"mode":")" + mode + R"(","work_ms":0,"delay_ms":0})";
  return call;
}

struct Fixture {
  explicit Fixture(IsolationSettings settings = {})
      : host(std::make_shared<RunnerHost>(settings, runner_options())) {
    host->set_failure_listener(
        [this](const std::string& key, std::uint64_t, const std::string& why) {
          failed_key = key;
          failed_reason = why;
          ++failures;
        });
    record = load_plugin_folder(kScripted, "scripted", *host);
  }
  std::shared_ptr<RunnerHost> host;
  PluginRecord record;
  SharedServices services = make_shared_services();
  std::string failed_key, failed_reason;
  std::atomic<int> failures{0};
};

TEST(RunnerHost, AStepRunsInARunnerAndTheHostNeverMapsTheLibrary) {
  Fixture f;
  ASSERT_TRUE(f.record.loaded()) << (f.record.problems.empty() ? ""
                                                               : f.record.problems[0].to_string());
  EXPECT_EQ(f.record.library, nullptr);
  const auto result = f.host->run_step(f.record, step("fail"), f.services);
  EXPECT_TRUE(result.ok) << result.error;
  EXPECT_EQ(result.outcome.next, SolutionOutcome::Next::finished);
  EXPECT_EQ(result.outcome.result, "failure");
  EXPECT_EQ(result.outcome.failure_type, "scripted");

  const auto thrown = f.host->run_step(f.record, step("throw"), f.services);
  EXPECT_FALSE(thrown.ok);
  EXPECT_EQ(thrown.failure_type, "");  // the plugin's own exception, as in process
  EXPECT_NE(thrown.error.find("scripted failure in run"), std::string::npos) << thrown.error;
}

TEST(RunnerHost, AnAbortFailsItsOneCallAsACrashAndTheNextCallGetsANewRunner) {
  Fixture f;
  ASSERT_TRUE(f.record.loaded());
  const auto crashed = f.host->run_step(f.record, step("abort"), f.services);
  EXPECT_FALSE(crashed.ok);
  EXPECT_EQ(crashed.failure_type, kPluginCrash);
  EXPECT_NE(crashed.error.find("SIGABRT"), std::string::npos) << crashed.error;
  const auto after = f.host->run_step(f.record, step("fail"), f.services);
  EXPECT_TRUE(after.ok) << after.error;
  EXPECT_EQ(f.failures, 0);
}

TEST(RunnerHost, ACallPastItsDeadlineKillsItsRunner) {
  IsolationSettings settings;
  settings.call_timeout = 1;
  Fixture f(settings);
  ASSERT_TRUE(f.record.loaded());
  const auto hung = f.host->run_step(f.record, step("hang"), f.services);
  EXPECT_FALSE(hung.ok);
  EXPECT_EQ(hung.failure_type, kPluginTimeout);
  EXPECT_NE(hung.error.find("did not answer within 1 s"), std::string::npos) << hung.error;
}

TEST(RunnerHost, TooManyCrashesWithinTheWindowFailThePluginUntilReload) {
  IsolationSettings settings;
  settings.crash_limit = 2;
  settings.crash_window = 3600;
  Fixture f(settings);
  ASSERT_TRUE(f.record.loaded());
  f.host->run_step(f.record, step("abort"), f.services);
  EXPECT_EQ(f.failures, 0);
  f.host->run_step(f.record, step("abort"), f.services);
  EXPECT_EQ(f.failures, 1);
  EXPECT_EQ(f.failed_key, "scripted");
  EXPECT_NE(f.failed_reason.find("crashed 2 times within 3600 s"), std::string::npos)
      << f.failed_reason;
  const auto refused = f.host->run_step(f.record, step("fail"), f.services);
  EXPECT_FALSE(refused.ok);
  EXPECT_EQ(refused.failure_type, kPluginCrash);
  EXPECT_NE(refused.error.find("POST /api/plugins/reload"), std::string::npos) << refused.error;
  // A reload makes a new record (a new generation) with a new pool.
  auto reloaded = load_plugin_folder(kScripted, "scripted", *f.host);
  f.host->retire(f.record);
  const auto again = f.host->run_step(reloaded, step("fail"), f.services);
  EXPECT_TRUE(again.ok) << again.error;
}

TEST(RunnerHost, InProcessPluginsAreCheckedInARunnerThenOpenedHere) {
  IsolationSettings settings;
  settings.plugins["scripted"] = Isolation::in_process;
  Fixture f(settings);
  ASSERT_TRUE(f.record.loaded());
  EXPECT_NE(f.record.library, nullptr);
  const auto result = f.host->run_step(f.record, step("fail"), f.services);
  EXPECT_TRUE(result.ok) << result.error;
}

TEST(RunnerHost, AMissingRunnerIsTheFolderProblemNotTheHosts) {
  RunnerOptions options = runner_options();
  options.executable = "/nonexistent/warden-plugin-runner";
  RunnerHost host({}, options);
  const auto record = load_plugin_folder(kScripted, "scripted", host);
  EXPECT_FALSE(record.loaded());
  ASSERT_EQ(record.problems.size(), 1u);
  EXPECT_NE(record.problems[0].message.find("cannot start /nonexistent/warden-plugin-runner"),
            std::string::npos)
      << record.problems[0].to_string();
}

TEST(RunnerHost, ARestartBackoffLongerThanACallFailsThatCallWithoutCountingAsACrash) {
  IsolationSettings settings;
  settings.crash_limit = 1000;
  // 4 s: room for a call on a busy machine under ASan, and still under the longest backoff (5 s).
  settings.call_timeout = 4;
  Fixture f(settings);
  ASSERT_TRUE(f.record.loaded());
  for (int i = 0; i < 7; ++i) {  // the backoff grows 0.1, 0.2, … 3.2, then 5 s: past the call's 4 s
    const auto crashed = f.host->run_step(f.record, step("abort"), f.services);
    EXPECT_FALSE(crashed.ok);
  }
  bool ran = false;
  int refused = 0;
  for (int attempt = 0; attempt < 60 && !ran; ++attempt) {
    const auto result = f.host->run_step(f.record, step("fail"), f.services);
    ran = result.ok;
    if (!ran) {  // never a start cut short by the call's deadline, which would feed the backoff
      EXPECT_NE(result.error.find("was not back in time"), std::string::npos) << result.error;
      ++refused;
    }
  }
  EXPECT_TRUE(ran);
  EXPECT_GE(refused, 1);
  EXPECT_EQ(f.failures, 0);
}

}  // namespace
}  // namespace warden::host
