// Issue 3's durability promise on the real binary: SIGKILL the host while 1,000 tasks are in
// flight (steps running, waits on callbacks and polls pending, tasks queued), start it again on
// the same database, and every task ends; none is lost, none stays running, and no step whose end
// was committed runs again.
#include "tests/support/api_client.hpp"
#include "tests/support/http_receiver.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <Poco/JSON/Array.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

namespace warden::test {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::string kToken = "e2e-durability";

std::vector<std::string> read_lines(const fs::path& file) {
  std::vector<std::string> lines;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(TaskDurability, SigkillWithAThousandTasksInFlightLosesNoneAndRepeatsNoCommittedStep) {
  TempDir dir;
  HttpReceiver poll_target;
  poll_target.respond("/job", {200, R"({"state": "pending"})", "application/json"});
  const auto log = dir.path() / "steps.log";
  dir.write("warden.yaml", "plugins_dir:\n  - " + std::string(WARDEN_STAGED_PLUGINS_DIR) +
                               "\n  - " +
                               (fs::path(WARDEN_FIXTURE_PLUGINS_DIR) / "tasks").string() +
                               "\nworkers: 4\nlog_level: warn\nTEST:\n  database: sqlite:" +
                               (dir.path() / "warden.db").string() + "\n");
  auto start = [&] {
    auto p = std::make_unique<WardenProcess>(
        std::vector<std::string>{"serve", "--config", (dir.path() / "warden.yaml").string(),
                                 "--listen", "127.0.0.1:0"},
        std::map<std::string, std::string>{{"AUTH_TOKEN", kToken}});
    EXPECT_TRUE(p->wait_until_serving()) << p->log();
    return p;
  };
  auto warden = start();
  auto create = [&](const std::string& service, const std::string& condition) {
    auto r =
        call_api(warden->port(), "POST", "/api/create_task", kToken,
                 R"({"data": {"service": ")" + service + R"(", "condition": )" + condition + "}}");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json ? r.json->getValue<std::string>("task_id") : "";
  };
  const std::string logged = R"(, "log_file": ")" + log.string() + "\"";
  std::vector<std::string> ids;
  for (int i = 0; i < 1000; ++i) {
    switch (i % 4) {
      case 0:  // waits on callbacks
        ids.push_back(create("scripted", R"({"mode": "steps", "delay_ms": 400)" + logged + "}"));
        break;
      case 1:  // steps that take a while: some are running when the host dies
        ids.push_back(
            create("scripted", R"({"mode": "steps", "delay_ms": 10, "work_ms": 8)" + logged + "}"));
        break;
      case 2:  // waits on a poll that only matches after the restart
        ids.push_back(create("scripted", R"({"mode": "poll", "url": ")" + poll_target.url("/job") +
                                             R"(", "field": "state", "equals": "done",
                                             "interval_ms": 100, "poll_timeout_ms": 120000)" +
                                             logged + "}"));
        break;
      default:
        ids.push_back(create("test", "{}"));
    }
  }
  std::this_thread::sleep_for(300ms);
  warden->kill();
  const auto before_kill = read_lines(log);
  ASSERT_FALSE(before_kill.empty());

  poll_target.respond("/job", {200, R"({"state": "done"})", "application/json"});
  warden = start();
  // Every task ends: none waiting or running remains.
  std::map<std::string, int> remaining;
  for (int i = 0; i < 600; ++i) {
    remaining.clear();
    for (const char* status : {"waiting", "running", "ready"}) {
      auto r = call_api(warden->port(), "POST", "/api/tasks", kToken,
                        std::string(R"({"p_size": 1, "status": ")") + status + "\"}");
      remaining[status] = r.json ? r.json->getValue<int>("total") : -1;
    }
    if (remaining["waiting"] == 0 && remaining["running"] == 0) break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(remaining["waiting"], 0);
  EXPECT_EQ(remaining["running"], 0);
  EXPECT_EQ(remaining["ready"], 0);

  // None is lost, and each finished with its steps once, in order.
  auto all = call_api(warden->port(), "POST", "/api/tasks", kToken, R"({"p_size": 1000})");
  ASSERT_EQ(all.json->getValue<int>("total"), 1000);
  auto finished = call_api(warden->port(), "POST", "/api/tasks", kToken,
                           R"({"p_size": 1, "status": "finished"})");
  EXPECT_EQ(finished.json->getValue<int>("total"), 1000);
  for (std::size_t i = 0; i < ids.size(); i += 97) {
    auto r = call_api(warden->port(), "POST", "/api/result_task", kToken,
                      R"({"data": {"task_id": ")" + ids[i] + R"("}})");
    ASSERT_EQ(r.status, 200) << r.body;
    if (i % 4 == 3) continue;  // the `test` solution records no steps
    auto steps = r.json->getObject("data")->getArray("steps");
    ASSERT_TRUE(steps) << r.body;
    std::vector<std::string> names;
    for (const auto& s : *steps) names.push_back(s.convert<std::string>());
    if (i % 4 == 2)
      EXPECT_EQ(names, (std::vector<std::string>{"run", "answer"})) << ids[i];
    else
      EXPECT_EQ(names, (std::vector<std::string>{"run", "step2", "step3"})) << ids[i];
  }

  // A step may run twice only if it was the task's last step before the kill (in flight, or
  // ended but not yet committed); everything earlier was committed and never runs again.
  std::map<std::string, std::vector<std::string>> before, after;
  for (const auto& line : before_kill) {
    auto space = line.find(' ');
    before[line.substr(0, space)].push_back(line.substr(space + 1));
  }
  const auto all_lines = read_lines(log);
  for (std::size_t i = before_kill.size(); i < all_lines.size(); ++i) {
    auto space = all_lines[i].find(' ');
    after[all_lines[i].substr(0, space)].push_back(all_lines[i].substr(space + 1));
  }
  int repeated = 0;
  for (const auto& [task, steps_after] : after) {
    auto it = before.find(task);
    if (it == before.end()) continue;
    std::set<std::string> earlier(it->second.begin(), it->second.end() - 1);
    for (const auto& step : steps_after) {
      EXPECT_FALSE(earlier.contains(step)) << task << ": committed step " << step << " ran again";
      if (step == it->second.back()) ++repeated;
    }
  }
  std::cout << "tasks with a step in flight at the kill, run again: " << repeated << "\n";
  EXPECT_TRUE(warden->running());
}

}  // namespace
}  // namespace warden::test
