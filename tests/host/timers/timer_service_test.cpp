// Timer boundary events and schedules against a real SQLite store, the real plugin loader, the
// real task manager running the `scripted` fixture solution, and the `probe` fixture timer action
// (tests/fixtures/plugin_sources/probe.cpp), which logs every firing to a file.
#include "host/timers/timer_service.hpp"
#include "host/store/database.hpp"
#include "host/tasks/task_manager.hpp"
#include "tests/support/temp_dir.hpp"

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

namespace warden::host {
namespace {

using namespace std::chrono_literals;

Poco::JSON::Object::Ptr json(const std::string& text) {
  return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

/// One line of the probe's log: a firing.
struct ProbeLine {
  std::string timer_id;
  std::int64_t fire_count = 0, due_ms = 0, fired_ms = 0;
  std::string task_status;
  std::int64_t remembered = 0;  ///< the firing count the action kept in its state()
};

/// The SQL store, with each write `delay_ms` slower (a slow disk).
class SlowTimerStore : public TimerStore {
 public:
  explicit SlowTimerStore(TimerStore& inner) : inner_(inner) {}
  void write(const std::vector<TimerRecord>& rows) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms.load()));
    inner_.write(rows);
  }
  void load(const std::function<void(TimerRecord&&)>& each) override { inner_.load(each); }
  using TimerStore::load;
  std::vector<TimerRecord> claim(std::size_t limit, bool with_schedules) override {
    return inner_.claim(limit, with_schedules);
  }
  std::vector<TimerRecord> events_of(const std::vector<std::string>& node_ids) override {
    return inner_.events_of(node_ids);
  }
  std::uint64_t reserve_event_ids(std::uint64_t count) override {
    return inner_.reserve_event_ids(count);
  }

  std::atomic<int> delay_ms{0};

 private:
  TimerStore& inner_;
};

class Timers : public ::testing::Test {
 protected:
  void SetUp() override {
    registry_.reload();
    ASSERT_TRUE(registry_.find("scripted") && registry_.find("scripted")->loaded());
    ASSERT_TRUE(registry_.find("probe") && registry_.find("probe")->loaded());
    start();
  }
  void TearDown() override { stop(); }

  /// Cycles as short as 10 ms, so that tests of firing run quickly.
  static TimerServiceOptions fast() {
    TimerServiceOptions options;
    options.min_period_ms = 10;
    return options;
  }

  void start(TimerServiceOptions options = fast()) {
    TaskManagerOptions task_options;
    task_options.clock = clock_;
    options.clock = clock_;
    tasks_ =
        std::make_unique<TaskManager>(task_store_, registry_, make_shared_services(), task_options);
    timers_ =
        std::make_unique<TimerService>(slow_store_, registry_, make_shared_services(), options);
    timers_->load(*tasks_);
    tasks_->start();
    timers_->start();
  }
  void stop() {
    if (timers_) timers_->stop();
    if (tasks_) tasks_->stop();
    timers_.reset();
    tasks_.reset();
  }

  /// A task of the scripted solution that waits on callbacks until it is ended.
  std::string running_task() {
    auto id =
        tasks_->create("scripted", *json(R"({"mode": "forever", "delay_ms": 100000})"), {}, true);
    wait_for([&] { return tasks_->find(id)->status == TaskStatus::running; }, "task running");
    return id;
  }

  TimerSpec spec(const std::string& node, const std::string& action, const std::string& type,
                 const std::string& defined, const std::string& params = "{}") {
    TimerSpec s;
    s.owner = node;
    s.action = action;
    s.timer_type = type;
    s.defined = defined;
    s.params = json(params);
    return s;
  }
  std::string probe_params(const std::string& extra = "") {
    return R"({"log_file": ")" + log_.string() + "\"" + extra + "}";
  }

  TimerRecord event(const std::string& node, const std::string& id) {
    for (auto& view : timers_->events(node))
      if (view.record.id == id) return view.record;
    ADD_FAILURE() << "no event " << id << " on " << node;
    return {};
  }

  template <class Predicate>
  void wait_for(Predicate done, const std::string& what, std::chrono::milliseconds limit = 10s) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      if (done()) return;
      std::this_thread::sleep_for(5ms);
    }
    FAIL() << "timed out waiting for " << what;
  }

  std::vector<ProbeLine> firings() {
    std::vector<ProbeLine> out;
    std::ifstream in(log_);
    ProbeLine line;
    while (in >> line.timer_id >> line.fire_count >> line.due_ms >> line.fired_ms >>
           line.task_status >> line.remembered)
      out.push_back(line);
    return out;
  }

  const Clock* clock_ = &system_clock();  ///< what start() gives the task manager and the timers
  test::TempDir dir_;
  std::filesystem::path log_ = dir_.path() / "firings.log";
  Database database_{"sqlite:" + (dir_.path() / "warden.db").string()};
  SqlTaskStore task_store_{database_};
  SqlTimerStore timer_store_{database_};
  SlowTimerStore slow_store_{timer_store_};  ///< what the timer service writes to
  PluginRegistry registry_{{std::filesystem::path(WARDEN_FIXTURE_PLUGINS_DIR) / "tasks",
                            std::filesystem::path(WARDEN_FIXTURE_PLUGINS_DIR) / "timers"}};
  std::unique_ptr<TaskManager> tasks_;
  std::unique_ptr<TimerService> timers_;
};

/// Timers on a manual clock: they fall due when a test advances it, never by waiting.
class ManualTimers : public Timers {
 protected:
  void SetUp() override {
    clock_ = &manual_;
    Timers::SetUp();
  }

  /// Advances the clock by `by` and returns once every timer due by then has had its turn: a
  /// sentinel schedule due at the end (logging elsewhere) fires after them.
  void pass(std::chrono::milliseconds by) {
    const auto name = "sentinel" + std::to_string(++sentinels_);
    const auto ms = by.count();
    char defined[64];
    std::snprintf(defined, sizeof defined, "R1/PT%lld.%03lldS", static_cast<long long>(ms / 1000),
                  static_cast<long long>(ms % 1000));
    timers_->put_schedule(spec(name, "probe", "time_cycle", defined,
                               R"({"log_file": ")" + sentinel_log_.string() + "\"}"));
    manual_.advance(by);
    wait_for([&] { return timers_->schedule(name)->record.state == TimerState::done; }, name);
  }

  /// Advances the clock by `by`, then waits until the event has fired `n` times and is not running.
  void fire(const std::string& node, const std::string& id, std::int64_t n,
            std::chrono::milliseconds by) {
    manual_.advance(by);
    wait_for(
        [&] {
          for (const auto& view : timers_->events(node))
            if (view.record.id == id) return !view.running && view.record.fired >= n;
          return false;
        },
        "firing " + std::to_string(n) + " of " + id);
  }

  ManualClock manual_;
  std::filesystem::path sentinel_log_ = dir_.path() / "sentinels.log";
  int sentinels_ = 0;
};

TEST_F(Timers, ForcedFailFailsTheRunningTaskAndSaysWhichTimerFired) {
  auto task = running_task();
  auto added = timers_->add_events({spec(task, "forced_fail", "time_duration", "PT0.2S")});
  ASSERT_EQ(added.size(), 1u);
  EXPECT_EQ(added[0].state, TimerState::armed);
  const auto id = added[0].id;
  wait_for([&] { return is_terminal(tasks_->find(task)->status); }, "the task to fail");
  auto r = *tasks_->find(task);
  EXPECT_EQ(r.status, TaskStatus::failed);
  EXPECT_EQ(r.failure_type, "timer");
  EXPECT_FALSE(r.skipped);
  EXPECT_NE(r.message().find("forced_fail: timer " + id + " (time_duration PT0.2S)"),
            std::string::npos)
      << r.message();
  EXPECT_GE(r.end_ms - r.start_ms, 200);  // never early
  wait_for([&] { return event(task, id).last_outcome == FireOutcome::ok; }, "the outcome");
  auto timer = event(task, id);
  EXPECT_EQ(timer.state, TimerState::done);
  EXPECT_EQ(timer.fired, 1);
  EXPECT_GE(timer.last_lateness_us, 0);
}

TEST_F(Timers, ForcedFailAndSkipMarksTheTaskSkipped) {
  auto task = running_task();
  timers_->add_events({spec(task, "forced_fail_and_skip", "time_duration", "PT0.05S")});
  wait_for([&] { return is_terminal(tasks_->find(task)->status); }, "the task to fail");
  auto r = *tasks_->find(task);
  EXPECT_EQ(r.status, TaskStatus::failed);
  EXPECT_TRUE(r.skipped);
  EXPECT_EQ(r.failure_type, "timer_skip");
  // Durable: the stored row says so too.
  tasks_->stop();
  EXPECT_TRUE(task_store_.find(task)->skipped);
}

TEST_F(ManualTimers, AnEventIsArmedWhenItsTaskStartsRunningAndMeasuredFromThen) {
  auto task =
      tasks_->create("scripted", *json(R"({"mode": "forever", "delay_ms": 100000})"), {}, false);
  auto added =
      timers_->add_events({spec(task, "probe", "time_duration", "PT0.15S", probe_params())});
  EXPECT_EQ(added[0].state, TimerState::pending);
  pass(1s);
  EXPECT_TRUE(firings().empty());
  EXPECT_EQ(event(task, added[0].id).state, TimerState::pending);
  tasks_->restart(task);
  wait_for([&] { return tasks_->find(task)->status == TaskStatus::running; }, "task running");
  manual_.advance(149ms);
  EXPECT_TRUE(firings().empty());
  fire(task, added[0].id, 1, 1ms);
  auto started = tasks_->find(task)->start_ms;
  ASSERT_EQ(firings().size(), 1u);
  auto line = firings().front();
  EXPECT_EQ(line.timer_id, added[0].id);
  EXPECT_EQ(line.due_ms, started + 150);
  EXPECT_EQ(line.fired_ms, line.due_ms);  // the clock moved exactly to it
  EXPECT_EQ(line.task_status, "running");
}

TEST_F(ManualTimers, ATaskThatEndsFirstEndsItsEvents) {
  auto task = running_task();
  auto added = timers_->add_events({spec(task, "probe", "time_duration", "PT0.3S", probe_params()),
                                    spec(task, "forced_fail", "time_cycle", "R/PT0.5S")});
  tasks_->update_status(task, TaskStatus::finished, "done by hand");
  for (const auto& t : added) EXPECT_EQ(event(task, t.id).state, TimerState::ended);
  pass(2s);
  EXPECT_TRUE(firings().empty());
  EXPECT_EQ(tasks_->find(task)->status, TaskStatus::finished);
}

TEST_F(ManualTimers, ACycleFiresItsCountThenIsDone) {
  auto task = running_task();
  auto added =
      timers_->add_events({spec(task, "probe", "time_cycle", "R3/PT0.1S", probe_params())});
  for (int n = 1; n <= 3; ++n) fire(task, added[0].id, n, 100ms);
  EXPECT_EQ(event(task, added[0].id).state, TimerState::done);
  pass(1s);
  auto lines = firings();
  ASSERT_EQ(lines.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(lines[i].fire_count, static_cast<std::int64_t>(i) + 1);
    EXPECT_EQ(lines[i].due_ms, lines[0].due_ms + static_cast<std::int64_t>(i) * 100);
    EXPECT_EQ(lines[i].fired_ms, lines[i].due_ms);
  }
  EXPECT_EQ(event(task, added[0].id).fired, 3);
}

TEST_F(ManualTimers, AnUnlimitedCycleStopsWhenItsTaskEnds) {
  auto task = running_task();
  auto added =
      timers_->add_events({spec(task, "probe", "time_cycle", "R/PT0.05S", probe_params())});
  for (int n = 1; n <= 3; ++n) fire(task, added[0].id, n, 50ms);
  tasks_->update_status(task, TaskStatus::failed, "stopped");
  pass(2s);
  EXPECT_EQ(firings().size(), 3u);
  EXPECT_EQ(event(task, added[0].id).state, TimerState::ended);
}

TEST_F(ManualTimers, ADisabledEventIsStoredAndNeverArmed) {
  auto task = running_task();
  auto s = spec(task, "probe", "time_duration", "PT0.05S", probe_params());
  s.enable = false;
  auto added = timers_->add_events({s});
  EXPECT_EQ(added[0].state, TimerState::disabled);
  pass(1s);
  EXPECT_TRUE(firings().empty());
  stop();
  auto stored = timer_store_.load();
  ASSERT_EQ(stored.size(), 2u);  // and the sentinel
  for (const auto& timer : stored)
    if (timer.kind == TimerKind::event) {
      EXPECT_EQ(timer.state, TimerState::disabled);
      EXPECT_FALSE(timer.enable);
    }
}

TEST_F(Timers, AnActionThatThrowsOrReturnsFalseIsAFailedFiringNotAFatalOne) {
  auto task = running_task();
  auto added = timers_->add_events(
      {spec(task, "probe", "time_duration", "PT0.01S", probe_params(R"(, "outcome": "throw")")),
       spec(task, "probe", "time_duration", "PT0.01S", probe_params(R"(, "outcome": "false")"))});
  wait_for(
      [&] {
        return event(task, added[0].id).last_outcome != FireOutcome::none &&
               event(task, added[1].id).last_outcome != FireOutcome::none;
      },
      "both outcomes");
  auto thrown = event(task, added[0].id);
  EXPECT_EQ(thrown.last_outcome, FireOutcome::failed);
  EXPECT_EQ(thrown.failures, 1);
  EXPECT_NE(thrown.last_error.find("probe was told to throw"), std::string::npos)
      << thrown.last_error;
  auto refused = event(task, added[1].id);
  EXPECT_EQ(refused.last_outcome, FireOutcome::failed);
  EXPECT_EQ(refused.last_error, "action returned false");
  EXPECT_EQ(tasks_->find(task)->status, TaskStatus::running);
}

TEST_F(Timers, AFiringsMoveOnIsStoredBeforeItsActionRuns) {
  auto task = running_task();
  slow_store_.delay_ms = 300;  // an action started before the commit would see it missing
  auto added = timers_->add_events(
      {spec(task, "probe", "time_duration", "PT0.01S", probe_params(R"(, "sleep_ms": 1000)")),
       spec(task, "probe", "time_cycle", "R3/PT2S", probe_params(R"(, "sleep_ms": 1000)"))});
  // Each action logs its firing as it starts, then sleeps: the store already has the move-on.
  wait_for([&] { return firings().size() == 2; }, "both actions running");
  std::map<std::string, TimerRecord> stored;
  for (auto& row : timer_store_.load()) stored[row.id] = row;
  const auto& one_shot = stored[added[0].id];
  EXPECT_EQ(one_shot.fired, 1);
  EXPECT_EQ(one_shot.state, TimerState::done);
  EXPECT_NE(one_shot.last_fired_ms, 0);
  const auto& cycle = stored[added[1].id];
  EXPECT_EQ(cycle.fired, 1);
  EXPECT_EQ(cycle.state, TimerState::armed);
  EXPECT_EQ(cycle.due_ms, cycle.armed_ms + 4000);  // the second occurrence
}

TEST_F(ManualTimers, CancellingAnEventStopsIt) {
  auto task = running_task();
  auto added =
      timers_->add_events({spec(task, "probe", "time_duration", "PT0.2S", probe_params())});
  auto cancelled = timers_->cancel_event(added[0].id);
  EXPECT_EQ(cancelled.state, TimerState::cancelled);
  pass(1s);
  EXPECT_TRUE(firings().empty());
  try {
    timers_->cancel_event("te_999999");
    FAIL() << "an unknown id was cancelled";
  } catch (const RequestError& e) {
    EXPECT_EQ(e.kind(), RequestError::Kind::not_found);
  }
}

TEST_F(Timers, ABatchWithAnyProblemStoresNothingAndNamesEveryProblem) {
  auto task = running_task();
  auto bad_misfire = spec(task, "forced_fail", "time_duration", "PT1M");
  bad_misfire.misfire = "sometimes";
  try {
    timers_->add_events({spec(task, "forced_fail", "time_duration", "PT10M"),
                         spec(task, "nope", "time_duration", "PT1M"),
                         spec(task, "forced_fail", "time_duration", "PT"),
                         spec(task, "forced_fail", "cron", "* * * * *"),
                         spec(task, "forced_fail", "time_duration", "PT1M", R"({"x": 1})"),
                         spec(task, "probe", "time_duration", "PT1M", R"({"outcome": "maybe"})"),
                         bad_misfire, spec("ts_nope_1", "forced_fail", "time_duration", "PT1M")});
    FAIL() << "an invalid batch was stored";
  } catch (const RequestError& e) {
    EXPECT_EQ(e.kind(), RequestError::Kind::invalid);
    const auto& errors = e.errors();
    EXPECT_EQ(errors.size(), 7u);
    auto has = [&](const std::string& key, const std::string& part) {
      auto it = errors.find(key);
      if (it == errors.end()) return ::testing::AssertionFailure() << "no error for " << key;
      if (it->second.find(part) == std::string::npos)
        return ::testing::AssertionFailure() << key << ": " << it->second;
      return ::testing::AssertionSuccess();
    };
    EXPECT_TRUE(has(task + "[1].action",
                    "\"nope\" is not a loaded timer action; known: "
                    "forced_fail, forced_fail_and_skip, probe"));
    EXPECT_TRUE(has(task + "[2].defined", "PT"));
    EXPECT_TRUE(has(task + "[3].timer_type", "must be time_date, time_duration or time_cycle"));
    EXPECT_TRUE(has(task + "[4].params", "\"forced_fail\" takes no params"));
    EXPECT_TRUE(has(task + "[5].params.outcome", "must be one of \"ok\", \"false\", \"throw\""));
    EXPECT_TRUE(has(task + "[6].misfire", "must be fire_once, skip or replay_all"));
    EXPECT_TRUE(has("ts_nope_1", "unknown task"));
  }
  EXPECT_TRUE(timers_->events(task).empty());
}

TEST_F(ManualTimers, AScheduleStillRunningSkipsItsNextFiringsAndCountsThem) {
  TimerSpec s =
      spec("slow", "probe", "time_cycle", "R/PT0.1S", probe_params(R"(, "sleep_ms": 3000)"));
  auto [record, created] = timers_->put_schedule(s);
  EXPECT_TRUE(created);
  EXPECT_EQ(record.state, TimerState::armed);
  const auto slow = [&] { return *timers_->schedule("slow"); };
  manual_.advance(100ms);
  wait_for([&] { return slow().running; }, "the first firing");
  for (int skipped = 1; skipped <= 3; ++skipped) {  // each while the first one runs
    manual_.advance(100ms);
    wait_for([&] { return slow().record.skipped >= skipped; }, "a skipped occurrence");
  }
  wait_for([&] { return !slow().running; }, "the first firing's end");
  manual_.advance(100ms);
  wait_for([&] { return slow().record.fired == 2; }, "the next firing");
  EXPECT_EQ(slow().record.skipped, 3);
  const auto lines = firings();
  ASSERT_GE(lines.size(), 1u);
  EXPECT_EQ(lines[0].due_ms, record.due_ms);
  timers_->delete_schedule("slow");
  EXPECT_FALSE(timers_->schedule("slow"));
}

TEST_F(Timers, SkippedOverlapsAreVisibleOnTheSchedule) {
  timers_->put_schedule(
      spec("slow", "probe", "time_cycle", "R/PT0.05S", probe_params(R"(, "sleep_ms": 300)")));
  wait_for([&] { return timers_->schedule("slow")->record.skipped >= 3; }, "skipped overlaps");
  auto view = *timers_->schedule("slow");
  EXPECT_GE(view.record.fired, 1);
  EXPECT_NE(view.record.last_outcome, FireOutcome::skipped);  // the last run's outcome stays
}

TEST_F(Timers, ACronScheduleIsDueAtItsNextMatchingMinuteInItsZone) {
  auto s = spec("every5", "probe", "cron", "*/5 * * * *", probe_params());
  s.time_zone = "Asia/Kolkata";  // +05:30: minutes still fall on multiples of 5
  auto [record, created] = timers_->put_schedule(s);
  EXPECT_EQ(record.state, TimerState::armed);
  EXPECT_GT(record.due_ms, now_ms());
  EXPECT_LE(record.due_ms, now_ms() + 5 * 60 * 1000);
  EXPECT_EQ(record.due_ms % (5 * 60 * 1000), 0);
  s.time_zone = "Mars/Base";
  try {
    timers_->put_schedule(s);
    FAIL() << "an unknown zone was accepted";
  } catch (const RequestError& e) {
    ASSERT_EQ(e.errors().count("time_zone"), 1u);
    EXPECT_NE(e.errors().at("time_zone").find("Mars/Base"), std::string::npos);
  }
}

TEST_F(Timers, ASchedulesParamsAndDefinitionAreChecked) {
  try {
    timers_->put_schedule(spec("bad name!", "forced_fail", "time_cycle", "R0/PT1S"));
    FAIL() << "a bad schedule was stored";
  } catch (const RequestError& e) {
    EXPECT_EQ(e.errors().count("name"), 1u);
    EXPECT_EQ(e.errors().count("action"), 1u);
    EXPECT_EQ(e.errors().count("defined"), 1u);
  }
  try {
    timers_->put_schedule(spec("past", "probe", "time_date", "2001-01-01T00:00:00Z"));
    FAIL() << "a past time_date was stored";
  } catch (const RequestError& e) {
    EXPECT_NE(e.errors().at("defined").find("has already passed"), std::string::npos);
  }
  EXPECT_TRUE(timers_->schedules().empty());
}

TEST_F(Timers, ASaveRefusesShortCyclesCronLinesThatNeverFireAndDueTimesPast9999) {
  stop();
  start(TimerServiceOptions{});  // the default minimum period: 1 s
  const auto refusal = [&](const std::string& type, const std::string& defined) {
    try {
      timers_->put_schedule(spec("x", "probe", type, defined, probe_params()));
    } catch (const RequestError& e) {
      return e.errors().count("defined") ? e.errors().at("defined") : std::string("?");
    }
    return std::string("accepted");
  };
  EXPECT_EQ(refusal("time_cycle", "R/PT0.001S"),
            "time_cycle \"R/PT0.001S\": the period must be at least 1 s");
  EXPECT_EQ(refusal("time_cycle", "R/PT0.999S"),
            "time_cycle \"R/PT0.999S\": the period must be at least 1 s");
  EXPECT_EQ(refusal("cron", "0 0 30 2 *"),
            "cron \"0 0 30 2 *\": can never fire: none of its months has any of its days");
  EXPECT_EQ(refusal("cron", "0 0 31 4 *"),
            "cron \"0 0 31 4 *\": can never fire: none of its months has any of its days");
  EXPECT_EQ(refusal("time_duration", "P9000Y"),
            "time_duration \"P9000Y\": the due time is past 9999-12-31");
  EXPECT_EQ(refusal("time_cycle", "R/PT1S"), "accepted");
  EXPECT_EQ(refusal("time_cycle", "R/P1M"), "accepted");
}

TEST_F(Timers, ANewScheduleWhoseStartIsPastFollowsItsMisfirePolicyAtOnce) {
  // 26 years of seconds: 850 million occurrences, none walked one by one.
  const std::string defined = "R/2000-01-01T00:00:00Z/PT1S";
  auto skip = spec("skip", "probe", "time_cycle", defined, probe_params());
  skip.misfire = "skip";
  auto once = spec("once", "probe", "time_cycle", defined, probe_params());  // fire_once
  auto all = spec("all", "probe", "time_cycle", defined, probe_params());
  all.misfire = "replay_all";
  const auto before = now_ms();
  const auto skipped = timers_->put_schedule(skip).first;
  const auto missed = (before - 946'684'800'000) / 1000;  // occurrences due by `before`, about
  EXPECT_EQ(skipped.fired, 0);
  EXPECT_GE(skipped.skipped, missed);
  EXPECT_LE(skipped.skipped, missed + 60);
  EXPECT_GT(skipped.due_ms, before);
  EXPECT_EQ(skipped.due_ms % 1000, 0);
  EXPECT_NE(skipped.last_error.find("fell due before it was armed (misfire: skip)"),
            std::string::npos)
      << skipped.last_error;

  const auto fire_once = timers_->put_schedule(once).first;
  EXPECT_GE(fire_once.skipped, missed - 1);
  EXPECT_LE(fire_once.due_ms, now_ms());  // the latest missed one, due at once
  const auto replay = timers_->put_schedule(all).first;
  EXPECT_GE(replay.skipped, missed - 100);  // the latest 100 replay; older ones are skipped
  EXPECT_LE(replay.skipped, missed - 100 + 60);

  wait_for([&] { return timers_->schedule("all")->record.fired >= 100; }, "the 100 replays");
  std::this_thread::sleep_for(1500ms);
  std::map<std::string, int> fired;
  for (const auto& line : firings()) ++fired[line.timer_id];
  EXPECT_LE(fired["skip"], 3);  // one a second from now on
  EXPECT_GE(fired["once"], 1);
  EXPECT_LE(fired["once"], 4);
  EXPECT_GE(fired["all"], 100);
  EXPECT_LE(fired["all"], 100 + 4 + 60);
}

TEST_F(Timers, ArmedTimersKeepTheirDueTimesAcrossARestart) {
  auto [record, created] = timers_->put_schedule(spec("hourly", "probe", "time_cycle", "R/PT1H"));
  stop();
  start();
  auto view = timers_->schedule("hourly");
  ASSERT_TRUE(view);
  EXPECT_EQ(view->record.state, TimerState::armed);
  EXPECT_EQ(view->record.due_ms, record.due_ms);
  EXPECT_EQ(timers_->counts().rearmed, 1u);
}

/// A schedule stored as if the host had been down since `armed_ms`.
TimerRecord stale_schedule(const std::string& name, const std::string& defined, Misfire misfire,
                           std::int64_t armed_ms, const std::string& params) {
  TimerRecord r;
  r.kind = TimerKind::schedule;
  r.id = name;
  r.action = "probe";
  r.type = TimerType::time_cycle;
  r.defined = defined;
  r.params = params;
  r.misfire = misfire;
  r.state = TimerState::armed;
  r.created_ms = r.updated_ms = r.armed_ms = armed_ms;
  r.due_ms = armed_ms + 1000;
  return r;
}

TEST_F(Timers, TimersThatFellDueWhileTheHostWasDownFollowTheirMisfirePolicy) {
  stop();
  const auto down_since = now_ms() - 10'500;  // R5/PT1S: all five fell due; R/PT4S: two did
  const auto params = probe_params();
  auto forever = stale_schedule("forever", "R/PT4S", Misfire::fire_once, down_since, params);
  forever.due_ms = down_since + 4000;
  timer_store_.write({stale_schedule("once", "R5/PT1S", Misfire::fire_once, down_since, params),
                      stale_schedule("skip", "R5/PT1S", Misfire::skip, down_since, params),
                      stale_schedule("all", "R5/PT1S", Misfire::replay_all, down_since, params),
                      forever});
  start();
  wait_for([&] { return firings().size() >= 7; }, "the misfired firings");
  std::this_thread::sleep_for(200ms);
  std::map<std::string, int> fired;
  for (const auto& line : firings()) ++fired[line.timer_id];
  EXPECT_EQ(fired["once"], 1);
  EXPECT_EQ(fired["skip"], 0);
  EXPECT_EQ(fired["all"], 5);
  EXPECT_EQ(fired["forever"], 1);

  auto once = timers_->schedule("once")->record;
  EXPECT_EQ(once.state, TimerState::done);
  EXPECT_EQ(once.skipped, 4);
  auto skip = timers_->schedule("skip")->record;
  EXPECT_EQ(skip.state, TimerState::done);
  EXPECT_EQ(skip.skipped, 5);
  EXPECT_NE(skip.last_error.find("5 firings fell due while the host was down"), std::string::npos);
  forever = timers_->schedule("forever")->record;
  EXPECT_EQ(forever.state, TimerState::armed);
  EXPECT_EQ(forever.skipped, 1);
  EXPECT_EQ(forever.due_ms, down_since + 12'000);  // the next one keeps its place in the cycle
}

TEST_F(Timers, ACronDownForHoursFiresItsLatestMissedMinuteOnceAndCountsTheRest) {
  stop();
  const auto minute = 60'000;
  const auto now = now_ms();
  auto cron = stale_schedule("minutely", "* * * * *", Misfire::fire_once, now - 3 * 3'600'000,
                             probe_params());
  cron.type = TimerType::cron;
  cron.due_ms = (cron.armed_ms / minute + 1) * minute;          // its first minute
  const auto missed = now / minute - cron.due_ms / minute + 1;  // minutes due by now
  timer_store_.write({cron});
  start();
  wait_for([&] { return firings().size() >= 1; }, "the latest missed minute");
  const auto record = timers_->schedule("minutely")->record;
  EXPECT_GE(record.skipped, missed - 1);
  EXPECT_LE(record.skipped, missed);  // a minute may have turned since `now`
  EXPECT_EQ(record.state, TimerState::armed);
  EXPECT_GT(record.due_ms, now);
  EXPECT_EQ(record.due_ms % minute, 0);
  EXPECT_LE(firings().size(), 2u);  // the missed one, and the next if a minute turned meanwhile
}

TEST_F(Timers, TimersPastTheirMaximumAgeAreCleanedUp) {
  stop();
  const auto now = now_ms();
  auto old = stale_schedule("old", "R1/PT1S", Misfire::fire_once, now - 3 * 86'400'000, "{}");
  old.state = TimerState::done;
  auto fresh = stale_schedule("fresh", "R1/PT1S", Misfire::fire_once, now - 3'600'000, "{}");
  fresh.state = TimerState::done;
  timer_store_.write({old, fresh});
  auto options = fast();
  options.max_age_ms = 86'400'000;
  start(options);
  wait_for([&] { return !timers_->schedule("old"); }, "the cleanup");
  EXPECT_TRUE(timers_->schedule("fresh"));
  stop();
  auto stored = timer_store_.load();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].id, "fresh");
}

TEST_F(Timers, AnActionsStateIsKeptBetweenFiringsAndAcrossARestart) {
  timers_->put_schedule(spec("counter", "probe", "time_cycle", "R/PT0.05S", probe_params()));
  wait_for([&] { return firings().size() >= 3; }, "three firings");
  stop();  // waits for a running firing and commits its state
  const auto before = firings().size();
  ASSERT_EQ(firings().back().remembered, static_cast<std::int64_t>(before));
  start();
  wait_for([&] { return firings().size() >= before + 2; }, "firings after the restart");
  auto lines = firings();
  for (std::size_t i = 0; i < lines.size(); ++i)
    EXPECT_EQ(lines[i].remembered, static_cast<std::int64_t>(i) + 1) << "firing " << i;
  // Changing the schedule in place keeps what the action remembers.
  timers_->put_schedule(spec("counter", "probe", "time_cycle", "R/PT0.07S", probe_params()));
  const auto count = firings().size();
  wait_for([&] { return firings().size() >= count + 1; }, "a firing after the change");
  EXPECT_GT(firings().back().remembered, static_cast<std::int64_t>(count) - 1);
}

TEST_F(Timers, PasswordParamsAreMaskedForReading) {
  auto [record, created] = timers_->put_schedule(
      spec("secret", "probe", "time_cycle", "R/PT1H", R"({"token": "hunter2"})"));
  auto masked = timers_->masked_params(record);
  EXPECT_EQ(masked->getValue<std::string>("token"), "******");
  EXPECT_NE(record.params.find("hunter2"), std::string::npos);  // the action gets the real one
}

}  // namespace
}  // namespace warden::host
