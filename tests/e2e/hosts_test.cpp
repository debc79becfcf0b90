// Several hosts on one PostgreSQL database (issue 17), on the real binary: one host holds the
// work lease and the others wait as standbys; killed (-9) or paused (SIGSTOP) past its TTL, the
// holder's work is taken over by a standby, every task still finishes, every timer occurrence
// fires once, and the paused host, resumed, stops without running anything again.
#include "tests/support/api_client.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/http_receiver.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_database.hpp"

#include <Poco/JSON/Array.h>
#include <gtest/gtest.h>

#include <algorithm>
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
    for (const std::string id : {"a", "b", "c"})
      dir_.write(
          id + ".yaml",
          "host_id: " + id + "\nlease_ttl: " + std::to_string(kTtlSeconds) +
              "\nplugins_dir:\n  - " + std::string(WARDEN_STAGED_PLUGINS_DIR) + "\n  - " +
              (fs::path(WARDEN_FIXTURE_PLUGINS_DIR) / "tasks").string() + "\n  - " +
              (fs::path(WARDEN_FIXTURE_PLUGINS_DIR) / "timers").string() +
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
    EXPECT_FALSE(b_->wait_until_serving(200ms)) << "a standby took the work";
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

  /// One-shot schedules due `from_ms`, then every `step_ms`, each logging its firing; on a slow
  /// machine, at least 2 s after its creation (a due time in the past is refused).
  void create_one_shots(const WardenProcess& host, int count, std::int64_t from_ms,
                        std::int64_t step_ms) {
    for (int i = 0; i < count; ++i) {
      const auto due = std::max(from_ms + i * step_ms, now_ms() + 2000);
      auto r = call(host, "POST", "/api/schedules",
                    R"({"name": "once-)" + std::to_string(i) +
                        R"(", "action": "probe", "timer_type": "time_date", "defined": ")" +
                        iso_utc(due) + R"(", "params": {"log_file": ")" + timers_log().string() +
                        R"("}})");
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

TEST_F(Hosts, OfThreeHostsAStandbyTakesOverAThousandOfEachWhenTheHolderIsKilled) {
  start_both();
  auto c = launch("c");
  ASSERT_TRUE(eventually([&] {
    auto listed_c = listed(*a_, "c");
    return listed_c && listed_c->getValue<std::string>("role") == "standby";
  }));
  HttpReceiver receiver;
  auto r = call(*a_, "PUT", "/api/channels/hook",
                R"({"channel": "http_callback", "config": {"url": ")" + receiver.url("/hook") +
                    R"("}, "delivery": {"attempts": 10, "backoff": 1}})");
  ASSERT_TRUE(r.status == 200 || r.status == 201) << r.body;

  const auto ids = create_tasks(*a_, 1000, 2500);
  create_one_shots(*a_, 1000, now_ms() + 1000, 10);  // due over 10 s, across the kill
  std::set<std::string> notices;
  for (int i = 0; i < 1000; ++i) {
    r = call(*a_, "POST", "/api/alerts",
             R"({"channels": ["hook"], "alert": {"title": "t)" + std::to_string(i) + R"("}})");
    ASSERT_EQ(r.status, 200) << r.body;
    notices.insert(r.json->getArray("data")->getObject(0)->getValue<std::string>("notice_id"));
  }
  a_->kill();
  const auto killed = std::chrono::steady_clock::now();
  // b or c takes the lease; the other stays a standby.
  WardenProcess* holder = nullptr;
  while (!holder && std::chrono::steady_clock::now() - killed < 120s) {
    for (auto* host : {b_.get(), c.get()})
      if (host->wait_until_serving(100ms)) holder = host;
  }
  ASSERT_TRUE(holder) << b_->log() << c->log();
  std::cout << "takeover after kill -9: "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - killed)
                   .count()
            << " ms (TTL " << kTtlSeconds << " s)\n";
  auto dead = listed(*holder, "a");
  ASSERT_TRUE(dead);
  EXPECT_FALSE(dead->getValue<bool>("alive"));

  // Every task a made ends here; every timer occurrence fires once; every notice arrives.
  ASSERT_TRUE(eventually([&] { return all_finished(*holder, ids.size()); }, 180s));
  ASSERT_TRUE(eventually([&] { return firings().size() == 1000; }, 120s)) << firings().size();
  for (const auto& [occurrence, n] : firings()) EXPECT_EQ(n, 1) << occurrence;
  std::map<std::string, int> received;
  ASSERT_TRUE(eventually(
      [&] {
        received.clear();
        for (const auto& request : receiver.requests())
          ++received[request.header("X-Warden-Notice-Id")];
        return received.size() >= notices.size();
      },
      120s))
      << received.size() << " of " << notices.size() << " notices arrived";
  int repeats = 0;
  for (const auto& [id, n] : received) {
    EXPECT_TRUE(notices.count(id)) << "an unknown notice id " << id;
    repeats += n - 1;
  }
  // Only a notice whose send was under way when a died can arrive twice: a channel sends at
  // most `concurrency` (4) at once, and a finished send waits at most one group commit.
  std::cout << "notices received twice: " << repeats << "\n";
  EXPECT_LE(repeats, 64);
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

TEST_F(Hosts, AStandbyAnswersAnyCallByForwardingItToTheHolder) {
  start_both();
  const auto address = listed(*a_, "b")->getValue<std::string>("address");
  const int b_port = std::stoi(address.substr(address.rfind(':') + 1));
  EXPECT_EQ(call_api(b_port, "GET", "/healthz").status, 200);
  // A task created through the standby is the holder's, and controllable through either.
  auto r = call_api(b_port, "POST", "/api/create_task", kToken,
                    R"({"data": {"service": "scripted", "condition": {"mode": "steps", )"
                    R"("delay_ms": 100}}})");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto task = r.json->getValue<std::string>("task_id");
  ASSERT_TRUE(eventually([&] {
    auto s = call(*a_, "POST", "/api/status_task", R"({"data": [{"task_id": ")" + task + R"("}]})");
    return contains(s.body, "finished");
  }));
  r = call_api(b_port, "POST", "/api/status_task", kToken,
               R"({"data": [{"task_id": ")" + task + R"("}]})");
  EXPECT_TRUE(contains(r.body, "finished")) << r.body;
  // Its own answers: who it is, and its own metrics.
  r = call_api(b_port, "GET", "/api/hosts", kToken);
  ASSERT_EQ(r.status, 200);
  auto self = listed(*a_, "b");
  for (const auto& h : *r.json->getArray("data")) {
    auto o = h.extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(o->getValue<bool>("self"), o->getValue<std::string>("host_id") == "b");
  }
  EXPECT_TRUE(contains(call_api(b_port, "GET", "/metrics").body, "warden_host_standby 1"));
  EXPECT_EQ(call_api(b_port, "GET", "/api/tasks", "wrong-token").status, 401);
  // With the holder gone and its lease not yet expired, a call is a 503 to retry (or refused, if
  // b has taken over meanwhile and serves on its own port).
  a_->kill();
  r = call_api(b_port, "GET", "/api/plugins", kToken);
  EXPECT_TRUE(r.status == 503 || r.status == 0) << r.status << " " << r.body;
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
