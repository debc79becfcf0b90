// Several hosts on one PostgreSQL database (issue 17), on the real binary: every host runs the
// tasks made through it, one of them also coordinates (alerts, notices, actions, schedules), and
// any host answers any call. Killed (-9) or paused (SIGSTOP) past its TTL, a host's work is
// claimed by the others: every task still finishes, every timer occurrence fires once, and the
// paused host, resumed, stops without running anything again.
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

  /// Starts `a` (it coordinates) and `b`, each serving.
  void start_both() {
    a_ = launch("a");
    ASSERT_TRUE(a_->wait_until_serving()) << a_->log();
    b_ = launch("b");
    ASSERT_TRUE(b_->wait_until_serving()) << b_->log();
    auto b = listed(*a_, "b");
    ASSERT_TRUE(b);
    EXPECT_EQ(b->getValue<std::string>("role"), "member");
    EXPECT_TRUE(b->getValue<bool>("alive"));
    auto self = listed(*a_, "a");
    ASSERT_TRUE(self);
    EXPECT_TRUE(self->getValue<bool>("self"));
    EXPECT_EQ(self->getValue<std::string>("role"), "coordinator");
  }

  /// The host that coordinates once a's work lease is gone: b or c.
  WardenProcess* coordinator_among(std::initializer_list<WardenProcess*> hosts) {
    for (auto* host : hosts) {
      auto self = listed(*host, host == b_.get() ? "b" : "c");
      if (self && self->getValue<std::string>("role") == "coordinator") return host;
    }
    return nullptr;
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

TEST_F(Hosts, OfThreeHostsTheOthersTakeOverAThousandOfEachWhenTheCoordinatorIsKilled) {
  start_both();
  auto c = launch("c");
  ASSERT_TRUE(c->wait_until_serving()) << c->log();
  HttpReceiver receiver;
  // Through c: channels are the coordinator's, and c forwards the call to a.
  auto r = call(*c, "PUT", "/api/channels/hook",
                R"({"channel": "http_callback", "config": {"url": ")" + receiver.url("/hook") +
                    R"("}, "delivery": {"attempts": 10, "backoff": 1}})");
  ASSERT_TRUE(r.status == 200 || r.status == 201) << r.body;

  // Alerts through b and c (the coordinator's, forwarded), then one-shots due from 4 s on, over
  // 10 s, then the tasks, spread (each host runs the ones made through it): a dies with some of
  // each still to do.
  std::set<std::string> notices;
  for (int i = 0; i < 1000; ++i) {
    r = call(i % 2 ? *b_ : *c, "POST", "/api/alerts",
             R"({"channels": ["hook"], "alert": {"title": "t)" + std::to_string(i) + R"("}})");
    ASSERT_EQ(r.status, 200) << r.body;
    notices.insert(r.json->getArray("data")->getObject(0)->getValue<std::string>("notice_id"));
  }
  create_one_shots(*b_, 1000, now_ms() + 4000, 10);
  std::vector<std::string> ids;
  for (auto* host : {b_.get(), c.get()})
    for (auto& id : create_tasks(*host, 334, 2500)) ids.push_back(id);
  // a's last and slow (two 10 s waits), so that a dies in the middle of them on any machine.
  for (auto& id : create_tasks(*a_, 334, 10'000)) ids.push_back(id);
  // The hosts list says what each owns (b's and c's may have ended on a slow machine).
  for (const std::string id : {"a", "b", "c"}) {
    auto host = listed(*c, id);
    ASSERT_TRUE(host);
    EXPECT_GE(host->getValue<std::int64_t>("tasks"), id == "a" ? 1 : 0) << id;
  }
  a_->kill();
  const auto killed = std::chrono::steady_clock::now();
  WardenProcess* coordinator = nullptr;
  ASSERT_TRUE(eventually(
      [&] {
        return (coordinator = coordinator_among({b_.get(), c.get()}));
      },
      120s))
      << b_->log() << c->log();
  std::cout << "a new coordinator after kill -9: "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - killed)
                   .count()
            << " ms (TTL " << kTtlSeconds << " s)\n";
  auto dead = listed(*coordinator, "a");
  ASSERT_TRUE(dead);
  EXPECT_FALSE(dead->getValue<bool>("alive"));

  // Every task ends (a's claimed by b and c); every timer occurrence fires once; every notice
  // arrives.
  ASSERT_TRUE(eventually([&] { return all_finished(*b_, ids.size()); }, 180s));
  EXPECT_TRUE(contains(b_->log() + c->log(), "took over")) << "nobody claimed a's work";
  ASSERT_TRUE(eventually([&] { return firings().size() == 1000; }, 120s)) << firings().size();
  // An occurrence fires twice only when a died after its action and before that action's end
  // was committed (it runs again where it is taken up): a few at most, the timer workers' share.
  int fired_twice = 0;
  for (const auto& [occurrence, n] : firings()) {
    EXPECT_LE(n, 2) << occurrence;
    fired_twice += n - 1;
  }
  std::cout << "timer occurrences fired twice: " << fired_twice << "\n";
  EXPECT_LE(fired_twice, 16);
  EXPECT_EQ(repeated_steps().size(), 0u) << "a step whose end was committed ran again";
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

TEST_F(Hosts, AHostPausedPastItsLeaseRunsNothingAgainWhenResumed) {
  start_both();
  const auto ids = create_tasks(*a_, 40, 1500);
  auto r = call(*b_, "POST", "/api/schedules",
                R"({"name": "tick", "action": "probe", "timer_type": "time_cycle", )"
                R"("defined": "R/PT1S", "params": {"log_file": ")" +
                    timers_log().string() + R"("}})");
  ASSERT_EQ(r.status, 201) << r.body;
  ASSERT_TRUE(eventually([&] { return firings().size() >= 2; }));
  a_->signal(SIGSTOP);
  ASSERT_TRUE(eventually([&] { return coordinator_among({b_.get()}) != nullptr; }, 60s))
      << b_->log();
  ASSERT_TRUE(eventually([&] { return all_finished(*b_, ids.size()); }, 120s));
  const auto before = firings().size();
  ASSERT_TRUE(eventually([&] { return firings().size() >= before + 2; }));  // ticks on b now
  const auto steps_before_resume = lines_of(steps_log()).size();

  a_->signal(SIGCONT);  // its waits and ticks came due while it slept
  ASSERT_TRUE(a_->wait_for_exit(60s)) << "a resumed and kept running";
  EXPECT_TRUE(contains(a_->log(), "no longer holds its lease")) << a_->log();
  EXPECT_EQ(lines_of(steps_log()).size(), steps_before_resume) << "a ran steps after resuming";
  // A step a had started and not ended when it was paused ran again on b (at least once): at
  // most one a worker of a's (4).
  EXPECT_LE(repeated_steps().size(), 4u);
  // Only the tick under way when a was paused may have run twice (at least once).
  int fired_twice = 0;
  for (const auto& [occurrence, n] : firings()) fired_twice += n - 1;
  EXPECT_LE(fired_twice, 1);
  EXPECT_TRUE(all_finished(*b_, ids.size()));
}

TEST_F(Hosts, AnyHostAnswersAnyCall) {
  start_both();
  // A task made through b runs on b, and is seen and controlled through a as well.
  auto r = call(*b_, "POST", "/api/create_task",
                R"({"data": {"service": "scripted", "condition": {"mode": "steps", )"
                R"("delay_ms": 100}}})");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto task = r.json->getValue<std::string>("task_id");
  ASSERT_TRUE(eventually([&] {
    auto s = call(*a_, "POST", "/api/status_task", R"({"data": [{"task_id": ")" + task + R"("}]})");
    return contains(s.body, "finished");
  }));
  r = call(*a_, "POST", "/api/start_task", R"({"task_id": ")" + task + R"("})");
  ASSERT_EQ(r.status, 200) << r.body;  // forwarded to b, which runs it again
  ASSERT_TRUE(eventually([&] {
    auto s = call(*b_, "POST", "/api/status_task", R"({"data": [{"task_id": ")" + task + R"("}]})");
    return contains(s.body, "finished");
  }));
  // A timer event on b's task, made through a, lives on b.
  r = call(
      *a_, "POST", "/api/timer_events",
      R"({")" + task +
          R"(": [{"action": "forced_fail", "timer_type": "time_duration", "defined": "PT1H"}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  r = call(*b_, "GET", "/api/timer_events?node_id=" + task);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json->getArray("data")->size(), 1u) << r.body;
  // The coordinator's calls, through b.
  r = call(*b_, "GET", "/api/policies");
  EXPECT_EQ(r.status, 200) << r.body;
  // The console signed in on a works on b, forwarded calls included (the browser's Origin is b's,
  // a sees b's), and a sign-out on b ends it on a.
  const auto origin = "http://127.0.0.1:" + std::to_string(b_->port());
  r = call_http(a_->port(), "POST", "/api/session", {{"X-Warden-Console", "1"}},
                R"({"token": ")" + std::string(kToken) + R"("})");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto set_cookie = r.header("Set-Cookie");
  const std::vector<std::pair<std::string, std::string>> console{
      {"Cookie", set_cookie.substr(0, set_cookie.find(';'))},
      {"X-Warden-Console", "1"},
      {"Origin", origin}};
  EXPECT_EQ(call_http(b_->port(), "GET", "/api/policies", console).status, 200);
  EXPECT_EQ(call_http(b_->port(), "POST", "/api/status_task", console,
                      R"({"data": [{"task_id": ")" + task + R"("}]})")
                .status,
            200);
  EXPECT_EQ(call_http(b_->port(), "DELETE", "/api/session", console).status, 200);
  EXPECT_EQ(call_http(a_->port(), "GET", "/api/session", {console[0], console[1]}).status, 401);
  // Its own answers: who it is, its metrics.
  r = call(*b_, "GET", "/api/hosts");
  ASSERT_EQ(r.status, 200);
  for (const auto& h : *r.json->getArray("data")) {
    auto o = h.extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(o->getValue<bool>("self"), o->getValue<std::string>("host_id") == "b");
  }
  EXPECT_EQ(call_api(b_->port(), "GET", "/metrics").status, 200);
  EXPECT_EQ(call_api(b_->port(), "GET", "/api/tasks", "wrong-token").status, 401);
  // With the coordinator gone and its lease not yet lapsed, its calls are a 503 to retry.
  a_->kill();
  r = call(*b_, "GET", "/api/policies");
  EXPECT_TRUE(r.status == 503 || r.status == 200) << r.status << " " << r.body;
}

TEST_F(Hosts, AHostStoppedCleanlyHandsItsWorkOverAtOnce) {
  start_both();
  const auto ids = create_tasks(*a_, 20, 2000);
  const auto stopped = std::chrono::steady_clock::now();
  EXPECT_EQ(a_->stop(), 0) << a_->log();
  ASSERT_TRUE(eventually([&] { return coordinator_among({b_.get()}) != nullptr; }, 60s))
      << b_->log();
  // Released, not lapsed: well under the TTL on any machine that is not starved.
  std::cout << "b coordinates after a clean stop of a: "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - stopped)
                   .count()
            << " ms\n";
  EXPECT_FALSE(listed(*b_, "a")) << "a clean stop leaves no row";
  ASSERT_TRUE(eventually([&] { return all_finished(*b_, ids.size()); }, 120s)) << b_->log();
}

}  // namespace
}  // namespace warden::test
