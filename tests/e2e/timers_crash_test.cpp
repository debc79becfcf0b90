// Issues 16 and 17 on the real binary: a timer action that takes the host down (the `probe`
// action's `kill` outcome, run in the host's process). A firing's move-on (fired + 1, the next due
// time, or done) is committed before its action runs, marked as under way; the restarted host runs
// a firing left under way again (at least once), but not after a second stop during it.
#include "tests/support/eventually.hpp"
#include "tests/support/serve_test.hpp"

#include <Poco/JSON/Array.h>
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <thread>

namespace warden::test {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// Whole seconds, UTC, as a request writes them ("2026-12-02T14:00:00Z") or as an answer does
/// ("2026-12-02T14:00:00.000+00:00").
std::string iso_utc(std::int64_t ms, bool answer = false) {
  const std::time_t seconds = ms / 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[40];
  std::strftime(text, sizeof text, answer ? "%Y-%m-%dT%H:%M:%S.000+00:00" : "%Y-%m-%dT%H:%M:%SZ",
                &tm);
  return text;
}

class TimerCrash : public ServeTest {
 protected:
  TimerCrash() : ServeTest("e2e-timers-crash-token") {}

  void SetUp() override {
    // In process: the action must take the host down with it, as a trusted plugin's crash does.
    configure("plugins_dir:\n  - " + (fs::path(WARDEN_FIXTURE_PLUGINS_DIR) / "tasks").string() +
              "\n  - " + (fs::path(WARDEN_FIXTURE_PLUGINS_DIR) / "timers").string() +
              "\nlog_level: warn\nisolation:\n  plugins: {probe: in_process, scripted: "
              "in_process}\n");
    start();
  }

  /// A task of the scripted solution that waits on callbacks for a long time.
  std::string running_task() {
    auto r = call("POST", "/api/create_task",
                  R"({"data": {"service": "scripted", "condition": {"mode": "forever", )"
                  R"("delay_ms": 100000000}}})");
    EXPECT_EQ(r.status, 200) << r.body;
    auto id = r.json->getValue<std::string>("task_id");
    EXPECT_TRUE(eventually([&] {
      auto s = call("POST", "/api/status_task", R"({"data": [{"task_id": ")" + id + R"("}]})");
      return s.json &&
             s.json->getArray("status")->getObject(0)->getValue<std::string>("status") == "running";
    }));
    return id;
  }

  /// A probe event on `task`: its firings are logged, one line each, to log_.
  std::string add_event(const std::string& task, const std::string& outcome,
                        const std::string& timer_type, const std::string& defined) {
    auto r = call("POST", "/api/timer_events",
                  R"({")" + task + R"(": [{"action": "probe", "timer_type": ")" + timer_type +
                      R"(", "defined": ")" + defined + R"(", "misfire": "fire_once", )" +
                      R"("params": {"outcome": ")" + outcome + R"(", "log_file": ")" +
                      log_.string() + R"("}}]})");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json ? r.json->getArray("data")->getObject(0)->getValue<std::string>("id") : "";
  }

  Poco::JSON::Object::Ptr event(const std::string& task, const std::string& id) {
    auto r = call("GET", "/api/timer_events?node_id=" + task);
    EXPECT_EQ(r.status, 200) << r.body;
    auto data = r.json->getArray("data");
    for (std::size_t i = 0; i < data->size(); ++i)
      if (data->getObject(i)->getValue<std::string>("id") == id) return data->getObject(i);
    ADD_FAILURE() << "no event " << id << " in " << r.body;
    return new Poco::JSON::Object;
  }

  /// The event's last_outcome, or "" while it has none.
  std::string outcome_of(const std::string& task, const std::string& id) {
    auto e = event(task, id);
    return e->isNull("last_outcome") ? "" : e->getValue<std::string>("last_outcome");
  }

  /// The firings the probe logged, by timer id.
  std::map<std::string, int> firings() {
    std::map<std::string, int> out;
    std::ifstream in(log_);
    for (std::string line; std::getline(in, line);) ++out[line.substr(0, line.find(' '))];
    return out;
  }

  fs::path log_ = dir_.path() / "firings.log";
};

TEST_F(TimerCrash, AOneShotWhoseActionKillsTheHostRunsOnceMoreThenNeverAgain) {
  const auto task = running_task();
  const auto killer = add_event(task, "kill", "time_duration", "PT0.3S");
  const auto witness = add_event(task, "ok", "time_duration", "PT3S");

  ASSERT_TRUE(warden_->wait_for_exit(60s)) << "the probe did not kill the host";
  EXPECT_EQ(firings()[killer], 1);
  // The firing was under way: the restarted host runs it again, and it kills the host again.
  launch();
  ASSERT_TRUE(warden_->wait_for_exit(60s)) << "the firing under way was not run again";
  EXPECT_EQ(firings()[killer], 2);

  // Twice is enough: the third start records it failed and serves.
  start();
  ASSERT_TRUE(eventually([&] { return outcome_of(task, killer) == "failed"; })) << warden_->log();
  auto killed = event(task, killer);
  EXPECT_EQ(killed->getValue<int>("fired"), 1);
  EXPECT_EQ(killed->getValue<std::string>("state"), "done");
  EXPECT_TRUE(killed->isNull("due_time"));
  EXPECT_TRUE(contains(killed->getValue<std::string>("last_error"), "stopped twice"))
      << killed->getValue<std::string>("last_error");
  ASSERT_TRUE(eventually([&] { return firings()[witness] >= 1; })) << warden_->log();
  EXPECT_EQ(event(task, witness)->getValue<int>("fired"), 1);
  EXPECT_TRUE(warden_->running());
  EXPECT_EQ(firings()[killer], 2);
}

TEST_F(TimerCrash, ACycleWhoseActionKillsTheHostHasMovedOnToItsNextOccurrence) {
  const auto task = running_task();
  const auto first = now_ms() / 1000 * 1000 + 2000;
  const auto killer = add_event(task, "kill", "time_cycle", "R/" + iso_utc(first) + "/PT1H");

  ASSERT_TRUE(warden_->wait_for_exit(60s)) << "the probe did not kill the host";
  EXPECT_EQ(firings()[killer], 1);
  launch();
  ASSERT_TRUE(warden_->wait_for_exit(60s)) << "the firing under way was not run again";
  EXPECT_EQ(firings()[killer], 2);

  start();
  ASSERT_TRUE(eventually([&] { return outcome_of(task, killer) == "failed"; })) << warden_->log();
  auto killed = event(task, killer);
  EXPECT_EQ(killed->getValue<int>("fired"), 1);
  EXPECT_EQ(killed->getValue<std::string>("state"), "armed");
  EXPECT_FALSE(killed->isNull("last_fired_at"));
  EXPECT_EQ(killed->getValue<std::string>("due_time"), iso_utc(first + 3'600'000, true))
      << "the next occurrence, an hour after the one that fired";
  EXPECT_TRUE(warden_->running());
  EXPECT_EQ(firings()[killer], 2);
}

}  // namespace
}  // namespace warden::test
