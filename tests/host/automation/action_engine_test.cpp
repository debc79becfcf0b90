// The engine alone: a fake action kind, policies handed in, a manual clock, a real SQLite file.
#include "host/automation/action_engine.hpp"

#include "host/automation/action_store.hpp"

#include "host/store/database.hpp"
#include "tests/support/temp_dir.hpp"

#include <Poco/JSON/Parser.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <set>
#include <thread>

namespace warden::host {
namespace {
using namespace std::chrono_literals;

/// Answers every run with what the test says and counts the runs.
class FakeKind : public ActionKind {
 public:
  explicit FakeKind(std::string name) : name_(std::move(name)) {}
  std::string name() const override { return name_; }
  void check(const Poco::JSON::Object&, const Alert&, const std::string&,
             std::map<std::string, std::string>&) const override {}
  ActionAttempt run(const ActionInput& input) const noexcept override {
    std::unique_lock lock(mutex_);
    ++runs_;
    last_title_ = input.data->getValue<std::string>("title");
    if (hold_) {
      hold_ = false;
      released_.wait(lock, [this] { return let_go_; });
    }
    return next_;
  }
  /// The next run blocks until release(): an attempt still under way when its host "dies".
  void hold_next() {
    std::lock_guard lock(mutex_);
    hold_ = true;
    let_go_ = false;
  }
  void release() {
    std::lock_guard lock(mutex_);
    let_go_ = true;
    released_.notify_all();
  }
  void answer(ActionAttempt next) {
    std::lock_guard lock(mutex_);
    next_ = std::move(next);
  }
  int runs() const {
    std::lock_guard lock(mutex_);
    return runs_;
  }

 private:
  std::string name_;
  mutable std::mutex mutex_;
  mutable int runs_ = 0;
  mutable std::string last_title_;
  mutable bool hold_ = false;
  bool let_go_ = true;
  mutable std::condition_variable released_;
  ActionAttempt next_{ActionAttempt::Outcome::success, "done", {}, {}};
};

std::shared_ptr<Policy> policy_with(const std::string& kind, const std::string& params,
                                    std::function<void(PolicyAction&)> tune = {}) {
  auto p = std::make_shared<Policy>();
  p->name = "p";
  p->signals = {Signal::abnormal, Signal::recovered};
  PolicyAction a;
  a.kind = kind;
  a.params = Poco::JSON::Parser().parse(params).extract<Poco::JSON::Object::Ptr>();
  if (tune) tune(a);
  p->actions.push_back(a);
  return p;
}

Alert firing(const std::string& id, const std::string& status = "firing") {
  Alert a;
  a.id = id;
  a.title = "disk full " + id;
  a.source = "node";
  a.status = status;
  return a;
}

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    database_ = std::make_unique<Database>("sqlite:" + (dir_.path() / "w.db").string());
    auto kind = std::make_unique<FakeKind>("fake");
    fake_ = kind.get();
    kinds_.add(std::move(kind));
  }

  void make(std::shared_ptr<Policy> policy) {
    policy_ = std::move(policy);
    engine_ = another_engine();
  }

  /// An engine on the same database file, as a host started after another one would make.
  std::unique_ptr<ActionEngine> another_engine() {
    ActionEngineHooks hooks;
    hooks.match_policies = [this](const Alert&, Signal signal) {
      std::vector<std::shared_ptr<const Policy>> out;
      if (policy_ && policy_->matches(Alert{}, signal)) out.push_back(policy_);
      return out;
    };
    hooks.blocked_by = [this](const Alert&, const std::string&, const std::string&,
                              std::int64_t) -> std::optional<std::string> {
      if (blocking_) return "r1";
      return std::nullopt;
    };
    auto engine = std::make_unique<ActionEngine>(
        *database_, kinds_, hooks,
        ActionEngineOptions{.workers = 2, .close_after_ms = 3'600'000, .clock = &clock_});
    engine->start();
    return engine;
  }

  std::string status_of(const std::string& id) { return engine_->find_action(id)->status; }

  /// Waits until the action's log has `event` (its outcome was applied).
  bool logged(const std::string& id, const std::string& event) {
    for (int i = 0; i < 3000; ++i) {
      const auto action = engine_->find_action(id);  // kept: the loop reads its log
      for (const auto& e : action->log)
        if (e.event == event) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  /// Waits (real time; the engine's threads work) until `id` has `status`.
  bool reaches(const std::string& id, const std::string& status) {
    for (int i = 0; i < 3000; ++i) {
      if (status_of(id) == status) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  test::TempDir dir_;
  ManualClock clock_;
  std::unique_ptr<Database> database_;
  ActionKinds kinds_;
  FakeKind* fake_ = nullptr;
  std::shared_ptr<Policy> policy_;
  bool blocking_ = false;
  std::unique_ptr<ActionEngine> engine_;
};

TEST_F(EngineTest, AMatchedSignalMakesAnActionThatRunsOnceAndIsNotRunAgainAfterARestart) {
  make(policy_with("fake", "{}"));
  const auto in = engine_->ingest(firing("a"), "api");
  ASSERT_TRUE(in.fired);
  ASSERT_EQ(in.action_ids.size(), 1u);
  ASSERT_TRUE(reaches(in.action_ids[0], "success"));
  EXPECT_EQ(fake_->runs(), 1);
  // The same alert again only counts.
  EXPECT_TRUE(engine_->ingest(firing("a"), "api").action_ids.empty());
  engine_->stop();
  make(policy_);
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(fake_->runs(), 1);
  EXPECT_EQ(status_of(in.action_ids[0]), "success");
  EXPECT_EQ(engine_->find_alert(in.record.id)->count, 2);
}

TEST_F(EngineTest, AFailureIsRetriedAfterItsIntervalThenEnds) {
  make(policy_with("fake", "{}", [](PolicyAction& a) {
    a.retries = 1;
    a.retry_interval_s = 30;
  }));
  fake_->answer({ActionAttempt::Outcome::failure, "boom", {}, {}});
  const auto id = engine_->ingest(firing("b"), "api").action_ids.at(0);
  ASSERT_TRUE(logged(id, "retry"));
  EXPECT_EQ(status_of(id), "running");
  clock_.advance(31s);
  ASSERT_TRUE(reaches(id, "failure"));
  EXPECT_EQ(fake_->runs(), 2);
  fake_->answer({ActionAttempt::Outcome::success, "ok", {}, {}});
  EXPECT_EQ(engine_->retry(id, "carol").status, "created");
  ASSERT_TRUE(reaches(id, "success"));
}

TEST_F(EngineTest, AnAttemptUnderWayWhenItsHostDiedRunsAgainAtTheNextStartWithoutUsingARetry) {
  make(policy_with("fake", "{}"));
  fake_->hold_next();
  const auto id = engine_->ingest(firing("i"), "api").action_ids.at(0);
  // The first host stored "running" and never comes back from its attempt.
  bool stored_running = false;
  for (int i = 0; i < 3000 && !stored_running; ++i) {
    const auto stored = find_stored_action(*database_, id);
    stored_running = stored && stored->status == "running";
    if (!stored_running) std::this_thread::sleep_for(20ms);
  }
  ASSERT_TRUE(stored_running);
  auto next_host = another_engine();
  ActionRecord done;
  for (int i = 0; i < 3000; ++i) {
    done = *next_host->find_action(id);
    if (done.status == "success") break;
    std::this_thread::sleep_for(20ms);
  }
  fake_->release();
  EXPECT_EQ(done.status, "success");
  EXPECT_EQ(done.attempts, 1);
  EXPECT_TRUE(std::any_of(done.log.begin(), done.log.end(),
                          [](const ActionLogEntry& e) { return e.event == "interrupted"; }));
  EXPECT_EQ(fake_->runs(), 2);
  next_host.reset();
  engine_.reset();
}

TEST_F(EngineTest, AnUnansweredApprovalIsRejectedAtItsTimeout) {
  make(policy_with("fake", "{}", [](PolicyAction& a) {
    a.approval = true;
    a.approval_timeout_s = 60;
  }));
  const auto id = engine_->ingest(firing("c"), "api").action_ids.at(0);
  EXPECT_EQ(status_of(id), "waiting_approval");
  clock_.advance(61s);
  ASSERT_TRUE(reaches(id, "skipped"));
  EXPECT_EQ(engine_->find_action(id)->approval, "rejected");
  EXPECT_EQ(fake_->runs(), 0);
  EXPECT_THROW(engine_->approve(id, "x", ""), RequestError);
}

TEST_F(EngineTest, ABlockedActionKeepsItsParametersAndRunsOnReplay) {
  blocking_ = true;
  make(policy_with("fake", R"({"keep": "me"})"));
  const auto id = engine_->ingest(firing("d"), "api").action_ids.at(0);
  ASSERT_TRUE(reaches(id, "blocked"));
  EXPECT_EQ(engine_->find_action(id)->blocked_by, "r1");
  EXPECT_EQ(engine_->find_action(id)->spec->getObject("params")->getValue<std::string>("keep"),
            "me");
  blocking_ = false;
  EXPECT_EQ(engine_->replay_blocked("r1"), std::vector<std::string>{id});
  ASSERT_TRUE(reaches(id, "success"));
}

TEST_F(EngineTest, APendingAttemptTimesOut) {
  make(policy_with("fake", "{}", [](PolicyAction& a) { a.timeout_s = 10; }));
  fake_->answer({ActionAttempt::Outcome::pending, "", "ts_never", {}});
  const auto id = engine_->ingest(firing("e"), "api").action_ids.at(0);
  ASSERT_TRUE(logged(id, "dispatched"));
  clock_.advance(11s);
  ASSERT_TRUE(reaches(id, "timeout"));
}

TEST_F(EngineTest, AGroupOfAlertsIsOneActionUpToAHundredThenAnother) {
  auto notice = std::make_unique<FakeKind>("notice");
  kinds_.add(std::move(notice));
  make(policy_with("notice", R"({"group_by": ["cluster"], "group_wait": 60})"));
  std::set<std::string> ids;
  for (int i = 0; i < 150; ++i) {
    auto alert = firing("g" + std::to_string(i));
    alert.labels["cluster"] = "c1";
    const auto in = engine_->ingest(alert, "api");
    ASSERT_EQ(in.action_ids.size(), 1u);
    ids.insert(in.action_ids[0]);
  }
  ASSERT_EQ(ids.size(), 2u);
  std::vector<std::size_t> sizes;
  for (const auto& id : ids) sizes.push_back(engine_->find_action(id)->alert_ids.size());
  std::sort(sizes.begin(), sizes.end());
  EXPECT_EQ(sizes, (std::vector<std::size_t>{50, 100}));
  auto other = firing("other");
  other.labels["cluster"] = "c2";
  EXPECT_EQ(ids.count(engine_->ingest(other, "api").action_ids.at(0)), 0u);
}

TEST_F(EngineTest, AnActionRunsOnlyForItsOwnSignals) {
  make(policy_with("fake", "{}", [](PolicyAction& a) { a.signals = {Signal::recovered}; }));
  EXPECT_TRUE(engine_->ingest(firing("g"), "api").action_ids.empty());
  const auto in = engine_->ingest(firing("g", "resolved"), "api");
  ASSERT_EQ(in.action_ids.size(), 1u);
  EXPECT_EQ(engine_->find_action(in.action_ids[0])->signal, "recovered");
}

TEST_F(EngineTest, ClosingAnAlertFiresClosedAndAClosedOneCannotBeClosedAgain) {
  make(policy_with("fake", "{}"));
  const auto in = engine_->ingest(firing("f"), "api");
  const auto closed = engine_->close_alert(in.record.id, "dave", "known");
  EXPECT_EQ(closed.state, "closed");
  EXPECT_EQ(closed.closed_by, "dave");
  try {
    engine_->close_alert(in.record.id, "dave", "");
    FAIL();
  } catch (const RequestError& e) {
    EXPECT_EQ(e.kind(), RequestError::Kind::conflict);
  }
  try {
    engine_->close_alert("al_nope", "", "");
    FAIL();
  } catch (const RequestError& e) {
    EXPECT_EQ(e.kind(), RequestError::Kind::not_found);
  }
}

}  // namespace
}  // namespace warden::host
