// Several hosts on one PostgreSQL database (issue 17), on the real binary: one host holds the
// work lease and the others wait as standbys; killed (-9) or paused (SIGSTOP) past its TTL, the
// holder's work is taken over by a standby, every task still finishes, every timer occurrence
// fires once, and the paused host, resumed, stops without running anything again.
#include "tests/support/api_client.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_database.hpp"

#include <Poco/JSON/Array.h>
#include <gtest/gtest.h>

#include <csignal>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

namespace warden::test {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::string kToken = "e2e-hosts-token";

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string iso_utc(std::int64_t ms) {
  const std::time_t seconds = ms / 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[40];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

std::vector<std::string> lines_of(const fs::path& file) {
  std::vector<std::string> lines;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

class Hosts : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const std::string id : {"a", "b"})
      dir_.write(
          id + ".yaml",
          "host_id: " + id + "\nlease_ttl: " + std::to_string(kTtlSeconds) +
              "\nplugins_dir:\n  - " + (fs::path(WARDEN_FIXTURE_PLUGINS_DIR) / "tasks").string() +
              "\n  - " + (fs::path(WARDEN_FIXTURE_PLUGINS_DIR) / "timers").string() +
              "\nlog_level: info\nsecret_key_file: " + (dir_.path() / "warden.key").string() +
              "\nTEST:\n  database: " + database_.uri() + "\n");
  }

  std::unique_ptr<WardenProcess> launch(const std::string& id) {
    return std::make_unique<WardenProcess>(
        std::vector<std::string>{"serve", "--config", (dir_.path() / (id + ".yaml")).string(),
                                 "--listen", "127.0.0.1:0"},
        std::map<std::string, std::string>{{"AUTH_TOKEN", kToken}});
  }

  ApiResponse call(const WardenProcess& host, const std::string& method, const std::string& path,
                   const std::string& body = {}) {
    return call_api(host.port(), method, path, kToken, body);
  }

  /// The host `id` as GET /api/hosts on `host` lists it.
  Poco::JSON::Object::Ptr listed(const WardenProcess& host, const std::string& id) {
    auto r = call(host, "GET", "/api/hosts");
    if (r.status != 200 || !r.json) return nullptr;
    for (const auto& h : *r.json->getArray("data")) {
      auto o = h.extract<Poco::JSON::Object::Ptr>();
      if (o->getValue<std::string>("host_id") == id) return o;
    }
    return nullptr;
  }

  /// Starts `a` (it takes the lease) and `b` (a standby, listed by a).
  void start_both() {
    a_ = launch("a");
    ASSERT_TRUE(a_->wait_until_serving()) << a_->log();
    b_ = launch("b");
    ASSERT_TRUE(eventually([&] {
      auto b = listed(*a_, "b");
      return b && b->getValue<std::string>("role") == "standby" && b->getValue<bool>("alive");
    })) << b_->log();
    EXPECT_FALSE(b_->wait_until_serving(200ms)) << "a standby serves";
    auto self = listed(*a_, "a");
    ASSERT_TRUE(self);
    EXPECT_TRUE(self->getValue<bool>("self"));
    EXPECT_EQ(self->getArray("holds")->size(), 1u);
  }

  /// Tasks that wait between steps for `delay_ms`, logging each step they run.
  std::vector<std::string> create_tasks(const WardenProcess& host, int count, int delay_ms) {
    std::vector<std::string> ids;
    for (int i = 0; i < count; ++i) {
      auto r = call(
          host, "POST", "/api/create_task",
          R"({"data": {"service": "scripted", "condition": {"mode": "steps", "delay_ms": )" +
              std::to_string(delay_ms) + R"(, "log_file": ")" + steps_log().string() + R"("}}})");
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.json) ids.push_back(r.json->getValue<std::string>("task_id"));
    }
    return ids;
  }

  /// One-shot schedules due `from_ms`, then every `step_ms`, each logging its firing.
  void create_one_shots(const WardenProcess& host, int count, std::int64_t from_ms,
                        std::int64_t step_ms) {
    for (int i = 0; i < count; ++i) {
      auto r = call(host, "POST", "/api/schedules",
                    R"({"name": "once-)" + std::to_string(i) +
                        R"(", "action": "probe", "timer_type": "time_date", "defined": ")" +
                        iso_utc(from_ms + i * step_ms) + R"(", "params": {"log_file": ")" +
                        timers_log().string() + R"("}})");
      EXPECT_EQ(r.status, 201) << r.body;
    }
  }

  bool all_finished(const WardenProcess& host, std::size_t count) {
    auto r = call(host, "POST", "/api/tasks", R"({"p_size": 1, "status": "finished"})");
    return r.status == 200 && r.json && r.json->getValue<std::size_t>("total") == count;
  }

  /// Every (timer, occurrence) the probe logged, with how often.
  std::map<std::string, int> firings() {
    std::map<std::string, int> seen;
    for (const auto& line : lines_of(timers_log())) {
      std::istringstream in(line);
      std::string timer, fire_count, due;
      in >> timer >> fire_count >> due;
      ++seen[timer + "@" + due];
    }
    return seen;
  }

  /// Steps logged more than once by tasks.
  std::vector<std::string> repeated_steps() {
    std::map<std::string, int> seen;
    for (const auto& line : lines_of(steps_log())) ++seen[line];
    std::vector<std::string> out;
    for (const auto& [step, n] : seen)
      if (n > 1) out.push_back(step + " x" + std::to_string(n));
    return out;
  }

  fs::path steps_log() const { return dir_.path() / "steps.log"; }
  fs::path timers_log() const { return dir_.path() / "timers.log"; }

  static constexpr int kTtlSeconds = 5;
  TempDir dir_;
  TestDatabase database_{DatabaseKind::postgresql};
  std::unique_ptr<WardenProcess> a_, b_;
};

TEST_F(Hosts, AStandbyTakesTheWorkOverWhenTheHolderIsKilled) {
  start_both();
  const auto ids = create_tasks(*a_, 100, 2500);
  create_one_shots(*a_, 30, now_ms() + 1000, 300);  // due over 10 s, across the kill
  std::this_thread::sleep_for(1500ms);
  a_->kill();
  const auto killed = std::chrono::steady_clock::now();
  ASSERT_TRUE(b_->wait_until_serving(60s)) << b_->log();
  const auto took = std::chrono::steady_clock::now() - killed;
  std::cout << "takeover after kill -9: "
            << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms (TTL "
            << kTtlSeconds << " s)\n";
  auto b = listed(*b_, "b");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->getValue<std::string>("role"), "active");
  auto a = listed(*b_, "a");
  ASSERT_TRUE(a);
  EXPECT_FALSE(a->getValue<bool>("alive"));

  // Any call works on the new holder: the tasks a made are visible and end here.
  ASSERT_TRUE(eventually([&] { return all_finished(*b_, ids.size()); }, 120s));
  ASSERT_TRUE(eventually([&] { return firings().size() == 30; }, 60s)) << firings().size();
  for (const auto& [occurrence, n] : firings()) EXPECT_EQ(n, 1) << occurrence;
}

TEST_F(Hosts, AHolderPausedPastItsLeaseRunsNothingAgainWhenResumed) {
  start_both();
  const auto ids = create_tasks(*a_, 40, 1500);
  auto r = call(*a_, "POST", "/api/schedules",
                R"({"name": "tick", "action": "probe", "timer_type": "time_cycle", )"
                R"("defined": "R/PT1S", "params": {"log_file": ")" +
                    timers_log().string() + R"("}})");
  ASSERT_EQ(r.status, 201) << r.body;
  ASSERT_TRUE(eventually([&] { return firings().size() >= 2; }));
  a_->signal(SIGSTOP);
  ASSERT_TRUE(b_->wait_until_serving(60s)) << b_->log();
  ASSERT_TRUE(eventually([&] { return all_finished(*b_, ids.size()); }, 120s));
  const auto before = firings().size();
  ASSERT_TRUE(eventually([&] { return firings().size() >= before + 2; }));  // ticks on b now
  const auto steps_before_resume = lines_of(steps_log()).size();

  a_->signal(SIGCONT);  // its waits and ticks came due while it slept
  ASSERT_TRUE(a_->wait_for_exit(60s)) << "a resumed and kept running";
  EXPECT_TRUE(contains(a_->log(), "no longer holds the work lease")) << a_->log();
  EXPECT_EQ(lines_of(steps_log()).size(), steps_before_resume) << "a ran steps after resuming";
  EXPECT_EQ(repeated_steps(), std::vector<std::string>{});
  for (const auto& [occurrence, n] : firings()) EXPECT_EQ(n, 1) << occurrence;
  EXPECT_TRUE(all_finished(*b_, ids.size()));
}

TEST_F(Hosts, AHostStoppedCleanlyHandsTheLeaseOverAtOnce) {
  start_both();
  const auto stopped = std::chrono::steady_clock::now();
  EXPECT_EQ(a_->stop(), 0) << a_->log();
  ASSERT_TRUE(b_->wait_until_serving(60s)) << b_->log();
  // Released, not expired: well under the TTL on any machine that is not starved.
  std::cout << "takeover after a clean stop: "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - stopped)
                   .count()
            << " ms\n";
  EXPECT_FALSE(listed(*b_, "a")) << "a clean stop leaves no row";
}

}  // namespace
}  // namespace warden::test
