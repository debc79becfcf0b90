// The task manager against a real SQLite store, the real plugin loader, the bundled `test`
// solution and the `scripted` fixture solution (tests/fixtures/plugin_sources/scripted.cpp).
#include "host/tasks/task_manager.hpp"
#include "host/store/database.hpp"
#include "tests/support/http_receiver.hpp"
#include "tests/support/temp_dir.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <thread>

namespace warden::host {
namespace {

using namespace std::chrono_literals;

Poco::JSON::Object::Ptr json(const std::string& text) {
  return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

class Tasks : public ::testing::Test {
 protected:
  void SetUp() override {
    registry_.reload();
    ASSERT_TRUE(registry_.find("scripted") && registry_.find("scripted")->loaded());
  }

  TaskManager& start(TaskManagerOptions options = {}) {
    manager_.reset();
    manager_ = std::make_unique<TaskManager>(store_, registry_, make_shared_services(), options);
    picked_up_ = manager_->start();
    return *manager_;
  }

  std::string create(const std::string& condition, std::optional<std::int64_t> timeout_ms = {},
                     bool queue = true, const std::string& service = "scripted") {
    return manager_->create(service, *json(condition), timeout_ms, queue);
  }

  /// Waits until the task has ended and returns it.
  TaskRecord ended(const std::string& id, std::chrono::milliseconds limit = 10s) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      auto r = manager_->find(id);
      if (r && is_terminal(r->status)) return *r;
      std::this_thread::sleep_for(2ms);
    }
    ADD_FAILURE() << "task " << id << " did not end within " << limit.count() << " ms";
    return manager_->find(id).value_or(TaskRecord{});
  }

  /// Waits until the store has the task's end (find() sees it before its commit) and returns it.
  TaskRecord stored_end(const std::string& id) {
    for (auto until = std::chrono::steady_clock::now() + 10s;
         std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(2ms)) {
      auto r = store_.find(id);
      if (r && is_terminal(r->status)) return *r;
    }
    ADD_FAILURE() << "the store did not get the end of " << id;
    return store_.find(id).value_or(TaskRecord{});
  }

  std::vector<std::string> steps(const TaskRecord& r) {
    std::vector<std::string> out;
    auto array = json(r.result)->getArray("steps");
    if (array)
      for (const auto& s : *array) out.push_back(s.convert<std::string>());
    return out;
  }

  test::TempDir dir_;
  Database database_{"sqlite:" + (dir_.path() / "tasks.db").string()};
  SqlTaskStore store_{database_};
  PluginRegistry registry_{
      {WARDEN_STAGED_PLUGINS_DIR, std::filesystem::path(WARDEN_FIXTURE_PLUGINS_DIR) / "tasks"}};
  std::unique_ptr<TaskManager> manager_;
  std::size_t picked_up_ = 0;
};

TEST_F(Tasks, TheTestSolutionFinishesWithItsResultData) {
  start();
  auto id = create(R"({"message": "hello"})", {}, true, "test");
  EXPECT_TRUE(id.starts_with("ts_test_")) << id;
  EXPECT_EQ(id.size(), std::string("ts_test_").size() + 36);
  auto r = ended(id);
  EXPECT_EQ(r.status, TaskStatus::finished);
  EXPECT_EQ(r.message(), "test solution ran successfully");
  EXPECT_EQ(json(r.result)->getValue<std::string>("step"), "step1");
  EXPECT_EQ(json(r.result)->getValue<std::string>("message"), "hello");
  EXPECT_GT(r.start_ms, 0);
  EXPECT_GE(r.end_ms, r.start_ms);
  // What the API reads once the task is no longer in memory is what was committed.
  manager_->stop();
  auto stored = store_.find(id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->status, TaskStatus::finished);
  EXPECT_EQ(stored->result, r.result);
}

TEST_F(Tasks, StepsRunInOrderAndNoCallbackFiresEarly) {
  start();
  const auto before = now_ms();
  auto id = create(R"({"mode": "steps", "delay_ms": 60})");
  auto r = ended(id);
  EXPECT_EQ(r.status, TaskStatus::finished) << r.message();
  EXPECT_EQ(steps(r), (std::vector<std::string>{"run", "step2", "step3"}));
  EXPECT_GE(r.end_ms - before, 120);  // two waits of 60 ms
}

TEST_F(Tasks, WaitingTasksHoldNoWorker) {
  TaskManagerOptions options;
  options.workers = 1;
  start(options);
  std::vector<std::string> ids;
  const auto before = std::chrono::steady_clock::now();
  for (int i = 0; i < 30; ++i) ids.push_back(create(R"({"mode": "steps", "delay_ms": 300})"));
  for (const auto& id : ids) EXPECT_EQ(ended(id).status, TaskStatus::finished);
  // One worker holding each task through its waits would need 30 × 600 ms.
  EXPECT_LT(std::chrono::steady_clock::now() - before, 4s);
}

TEST_F(Tasks, AStepThatThrowsFailsTheTaskWithTheExceptionsText) {
  start();
  auto r = ended(create(R"({"mode": "throw"})"));
  EXPECT_EQ(r.status, TaskStatus::failed);
  EXPECT_NE(r.message().find("scripted failure in run"), std::string::npos) << r.message();
  EXPECT_EQ(r.failure_type, "exception");
}

TEST_F(Tasks, OutcomesOtherThanSuccessEndAsFailedWithAReason) {
  start();
  auto failed = ended(create(R"({"mode": "fail"})"));
  EXPECT_EQ(failed.status, TaskStatus::failed);
  EXPECT_EQ(failed.message(), "scripted failure");
  EXPECT_EQ(failed.failure_type, "scripted");

  auto none = ended(create(R"({"mode": "no_outcome"})"));
  EXPECT_EQ(none.status, TaskStatus::failed);
  EXPECT_NE(none.message().find("returned without set_finished"), std::string::npos);

  auto bad = ended(create(R"({"mode": "bad_result"})"));
  EXPECT_EQ(bad.status, TaskStatus::failed);
  EXPECT_NE(bad.message().find("\"maybe\""), std::string::npos) << bad.message();
}

TEST_F(Tasks, SetFinishedTakesEffectOnce) {
  start();
  auto r = ended(create(R"({"mode": "finish_twice"})"));
  EXPECT_EQ(r.status, TaskStatus::finished);
  EXPECT_EQ(r.message(), "first");
}

TEST_F(Tasks, ATaskThatNeverFinishesIsEndedByItsTimeout) {
  start();
  auto id = create(R"({"mode": "forever", "delay_ms": 20})", 300);
  auto r = ended(id);
  EXPECT_EQ(r.status, TaskStatus::failed);
  EXPECT_EQ(r.failure_type, "timeout");
  EXPECT_NE(r.message().find("timed out"), std::string::npos) << r.message();
  EXPECT_GE(r.end_ms - r.start_ms, 300);
  EXPECT_LT(r.end_ms - r.start_ms, 2000);
}

TEST_F(Tasks, TheTimeoutComesFromTheTaskThenTheSolutionThenTheDefault) {
  TaskManagerOptions options;
  options.default_timeout_ms = 5'000;
  options.service_timeout_ms["scripted"] = 250;
  start(options);
  auto r = ended(create(R"({"mode": "forever", "delay_ms": 20})"));
  EXPECT_EQ(r.timeout_ms, 250);
  EXPECT_EQ(r.failure_type, "timeout");
  auto own = create(R"({"mode": "steps"})", 7'000);
  EXPECT_EQ(manager_->find(own)->timeout_ms, 7'000);
  EXPECT_EQ(manager_->find(create(R"({})", {}, true, "test"))->timeout_ms, 5'000);
}

TEST_F(Tasks, PollingHandsTheStepTheAnswerOnceTheFieldMatches) {
  test::HttpReceiver receiver;
  receiver.respond("/job", {200, R"({"job": {"state": "pending"}})", "application/json"});
  start();
  auto id = create(R"({"mode": "poll", "url": ")" + receiver.url("/job") +
                   R"(", "field": "job.state", "equals": "done", "interval_ms": 20})");
  ASSERT_TRUE(receiver.wait_for(3));
  EXPECT_EQ(manager_->find(id)->status, TaskStatus::running);
  EXPECT_EQ(manager_->find(id)->wait, TaskWait::poll);
  receiver.respond("/job", {200, R"({"job": {"state": "done", "n": 3}})", "application/json"});
  auto r = ended(id);
  EXPECT_EQ(r.status, TaskStatus::finished) << r.message();
  auto answer = json(r.result)->getObject("answer");
  ASSERT_TRUE(answer) << r.result;
  EXPECT_EQ(answer->getObject("job")->getValue<int>("n"), 3);
}

TEST_F(Tasks, APollThatNeverMatchesGivesTheStepANullAnswerAtItsTimeout) {
  test::HttpReceiver receiver;
  receiver.respond("/job", {503, "busy"});
  start();
  auto id = create(R"({"mode": "poll", "url": ")" + receiver.url("/job") +
                   R"(", "interval_ms": 30, "poll_timeout_ms": 300})");
  auto r = ended(id);
  EXPECT_EQ(r.status, TaskStatus::failed);
  EXPECT_EQ(r.message(), "the poll gave no answer");
  EXPECT_GE(receiver.requests().size(), 3u);
}

TEST_F(Tasks, AStoppedHostLeavesWaitsStoredAndTheNextOneFinishesThemWithoutRepeatingSteps) {
  const auto log = dir_.path() / "steps.log";
  start();
  std::vector<std::string> ids;
  for (int i = 0; i < 10; ++i)
    ids.push_back(
        create(R"({"mode": "steps", "delay_ms": 3000, "log_file": ")" + log.string() + R"("})"));
  // Every task has run `run` and waits for step2, 3 s away (a busy machine gets there first).
  bool all_waiting = false;
  for (auto until = std::chrono::steady_clock::now() + 60s;
       !all_waiting && std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(5ms)) {
    all_waiting = std::all_of(ids.begin(), ids.end(), [&](const std::string& id) {
      const auto stored = store_.find(id);
      return stored && stored->step == "step2" && stored->wait == TaskWait::callback;
    });
  }
  ASSERT_TRUE(all_waiting);
  manager_->stop();
  for (const auto& id : ids) {
    auto stored = store_.find(id);
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->status, TaskStatus::running);
    EXPECT_EQ(stored->wait, TaskWait::callback);
    EXPECT_EQ(stored->step, "step2");
  }
  start();
  EXPECT_EQ(picked_up_, ids.size());
  for (const auto& id : ids) {
    auto r = ended(id, 60s);
    EXPECT_EQ(r.status, TaskStatus::finished) << r.message();
    EXPECT_EQ(steps(r), (std::vector<std::string>{"run", "step2", "step3"}));
  }
  std::ifstream in(log);
  std::map<std::string, int> runs;
  for (std::string line; std::getline(in, line);) ++runs[line];
  EXPECT_EQ(runs.size(), ids.size() * 3);
  for (const auto& [line, count] : runs) EXPECT_EQ(count, 1) << line;
}

TEST_F(Tasks, QueuedTasksOfAStoppedHostRunOnTheNextStart) {
  auto& first = start();
  first.stop();  // accepts nothing now
  EXPECT_THROW(create(R"({})", {}, true, "test"), RequestError);
  // A task stored as waiting (as a killed host leaves it) is run by the next host.
  TaskRecord queued;
  queued.task_id = "ts_test_queued";
  queued.service = "test";
  queued.status = TaskStatus::waiting;
  queued.create_ms = now_ms();
  store_.write({queued});
  start();
  EXPECT_EQ(ended("ts_test_queued").status, TaskStatus::finished);
}

TEST_F(Tasks, ARunningTaskWhoseStepWasCutOffRunsThatStepAgain) {
  TaskRecord cut;
  cut.task_id = "ts_scripted_cut";
  cut.service = "scripted";
  cut.condition = R"({"mode": "steps", "delay_ms": 0, "work_ms": 0})";
  cut.status = TaskStatus::running;
  cut.create_ms = cut.start_ms = now_ms();
  cut.step = "step3";  // committed boundary: step3 is next and had not ended
  cut.state = R"({"steps": ["run", "step2"]})";
  store_.write({cut});
  start();
  auto r = ended(cut.task_id);
  EXPECT_EQ(r.status, TaskStatus::finished);
  EXPECT_EQ(steps(r), (std::vector<std::string>{"run", "step2", "step3"}));
}

TEST_F(Tasks, AStepCutOffByTwoHostStopsIsNotRunAgainButFailsAsAPluginCrash) {
  TaskRecord cut;
  cut.task_id = "ts_scripted_cut_twice";
  cut.service = "scripted";
  cut.condition = R"({"mode": "steps", "delay_ms": 0, "work_ms": 0})";
  cut.status = TaskStatus::running;
  cut.create_ms = cut.start_ms = now_ms();
  cut.step = "step3";
  cut.state = R"({"steps": ["run", "step2"]})";
  cut.interrupted = 1;  // the last start ran step3 again, and the host stopped during it
  store_.write({cut});
  start();
  auto r = ended(cut.task_id);
  EXPECT_EQ(r.status, TaskStatus::failed);
  EXPECT_EQ(r.failure_type, "plugin_crash");
  EXPECT_EQ(r.message(), "the host stopped twice while step \"step3\" ran; not run again");
  EXPECT_EQ(r.result, "{}");  // step3 did not run
  EXPECT_EQ(stored_end(cut.task_id).failure_type, "plugin_crash");
}

TEST_F(Tasks, AStepCutOffOnceCountsThatBeforeItRunsAgainAndItsEndClearsTheCount) {
  TaskRecord cut;
  cut.task_id = "ts_scripted_cut_once";
  cut.service = "scripted";
  cut.condition = R"({"mode": "steps", "delay_ms": 0, "work_ms": 1000})";
  cut.status = TaskStatus::running;
  cut.create_ms = cut.start_ms = now_ms();
  cut.step = "step3";
  cut.state = R"({"steps": ["run", "step2"]})";
  store_.write({cut});
  start();
  // Stored as counted while step3 runs (it takes a second), so a death during it is seen.
  bool counted = false;
  for (auto until = std::chrono::steady_clock::now() + 10s;
       !counted && std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(2ms)) {
    auto stored = store_.find(cut.task_id);
    counted = stored->interrupted == 1 && stored->status == TaskStatus::running;
    if (is_terminal(stored->status)) break;
  }
  EXPECT_TRUE(counted);
  auto r = ended(cut.task_id);
  EXPECT_EQ(r.status, TaskStatus::finished) << r.message();
  EXPECT_EQ(stored_end(cut.task_id).interrupted, 0);
}

TEST_F(Tasks, AStepStillQueuedAtAGracefulStopIsNotCountedAsCutOff) {
  // Two tasks cut off once; with one worker, the older one's step3 (1.5 s) runs and the other's
  // waits behind it when the host is stopped gracefully.
  auto cut = [&](const std::string& id, std::int64_t created, int work_ms) {
    TaskRecord r;
    r.task_id = id;
    r.service = "scripted";
    r.condition = R"({"mode": "steps", "delay_ms": 0, "work_ms": )" + std::to_string(work_ms) + "}";
    r.status = TaskStatus::running;
    r.create_ms = r.start_ms = created;
    r.step = "step3";
    r.state = R"({"steps": ["run", "step2"]})";
    return r;
  };
  const auto created = now_ms();
  store_.write({cut("ts_scripted_busy", created, 1500), cut("ts_scripted_behind", created + 1, 0)});
  TaskManagerOptions one_worker;
  one_worker.workers = 1;
  start(one_worker);
  // Stop once both were taken up and the one worker holds the busy step (a busy machine may be
  // slow to get there; stopping before it would leave both steps queued).
  bool holding = false;
  for (auto until = std::chrono::steady_clock::now() + 60s;
       !holding && std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(2ms)) {
    holding = store_.find("ts_scripted_behind")->interrupted == 1 && manager_->counts().queued == 1;
  }
  ASSERT_TRUE(holding);
  manager_->stop();
  EXPECT_EQ(stored_end("ts_scripted_busy").status, TaskStatus::finished);
  auto behind = store_.find("ts_scripted_behind");
  EXPECT_EQ(behind->status, TaskStatus::running);
  EXPECT_EQ(behind->wait, TaskWait::callback);  // due: it runs at once at the next start
  EXPECT_EQ(behind->interrupted, 1);            // the stop did not count: its step never ran
  start();
  auto r = ended("ts_scripted_behind");
  EXPECT_EQ(r.status, TaskStatus::finished) << r.message();
  EXPECT_EQ(steps(r), (std::vector<std::string>{"run", "step2", "step3"}));
}

TEST_F(Tasks, AReadyTaskRunsWhenStartedAndAnEndedOneCanBeStartedAgain) {
  start();
  auto id = create(R"({"message": "later"})", {}, false, "test");
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(manager_->find(id)->status, TaskStatus::ready);
  manager_->restart(id);
  EXPECT_EQ(ended(id).status, TaskStatus::finished);
  manager_->update_condition(id, *json(R"({"message": "again"})"));
  manager_->restart(id);
  auto r = ended(id);
  EXPECT_EQ(json(r.result)->getValue<std::string>("message"), "again");
}

TEST_F(Tasks, QueuedOrRunningTasksCannotBeStartedOrChanged) {
  start();
  auto id = create(R"({"mode": "steps", "delay_ms": 2000})");
  std::this_thread::sleep_for(50ms);
  try {
    manager_->restart(id);
    FAIL();
  } catch (const RequestError& e) {
    EXPECT_EQ(e.kind(), RequestError::Kind::conflict);
    EXPECT_NE(std::string(e.what()).find("is running"), std::string::npos) << e.what();
  }
  try {
    manager_->update_condition(id, *json(R"({"mode": "fail"})"));
    FAIL();
  } catch (const RequestError& e) {
    EXPECT_EQ(e.kind(), RequestError::Kind::conflict);
  }
  try {
    manager_->restart("ts_scripted_nope");
    FAIL();
  } catch (const RequestError& e) {
    EXPECT_EQ(e.kind(), RequestError::Kind::not_found);
  }
}

TEST_F(Tasks, ConditionsAreCheckedAgainstTheSolutionsFields) {
  start();
  try {
    create(R"({"mode": "sideways", "delay_ms": "soon", "extra": 1})");
    FAIL();
  } catch (const RequestError& e) {
    EXPECT_EQ(std::string(e.what()), "invalid condition");
    EXPECT_EQ(e.errors().size(), 3u);
    EXPECT_TRUE(e.errors().contains("extra"));
  }
  try {
    create(R"({})", {}, true, "example");  // a timer action, not a solution
    FAIL();
  } catch (const RequestError& e) {
    EXPECT_EQ(std::string(e.what()), "service not support");
  }
  TaskManagerOptions only_test;
  only_test.services = std::vector<std::string>{"test"};
  start(only_test);
  EXPECT_EQ(manager_->services(), std::vector<std::string>{"test"});
  EXPECT_THROW(create(R"({})"), RequestError);
}

TEST_F(Tasks, AnExternalWorkerReportsRunningThenTheEnd) {
  start();
  auto id = create(R"({})", {}, false, "test");
  auto running = manager_->update_status(id, TaskStatus::running, "picked up by worker 7");
  EXPECT_EQ(running.status, TaskStatus::running);
  std::this_thread::sleep_for(50ms);
  auto r = manager_->find(id);
  EXPECT_EQ(r->status, TaskStatus::running);  // the host does not run it itself
  EXPECT_EQ(r->message(), "picked up by worker 7");
  manager_->update_status(id, TaskStatus::failed, "disk full");
  r = manager_->find(id);
  EXPECT_EQ(r->status, TaskStatus::failed);
  EXPECT_EQ(r->message(), "disk full");
  EXPECT_EQ(r->messages.at("running"), "picked up by worker 7");
  try {
    manager_->update_status(id, TaskStatus::finished, "late");
    FAIL();
  } catch (const RequestError& e) {
    EXPECT_EQ(e.kind(), RequestError::Kind::conflict);
  }
}

TEST_F(Tasks, ReadEndpointsSeePasswordsMasked) {
  start();
  auto id = create(R"({"mode": "fail", "secret": "hunter2"})");
  auto r = ended(id);
  auto masked = manager_->masked_condition(r);
  EXPECT_EQ(masked->getValue<std::string>("secret"), "******");
  EXPECT_NE(r.condition.find("hunter2"), std::string::npos);  // the solution gets the real one
}

TEST_F(Tasks, ListsNewestFirstWithFiltersAndPages) {
  start();
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(create(R"({})", {}, true, "test"));
    std::this_thread::sleep_for(2ms);
  }
  ended(create(R"({"mode": "fail"})"));
  for (const auto& id : ids) ended(id);
  manager_->stop();
  TaskQuery query;
  query.service = "test";
  query.page_size = 2;
  query.page = 1;
  auto page = manager_->list(query);
  EXPECT_EQ(page.total, 5);
  ASSERT_EQ(page.tasks.size(), 2u);
  EXPECT_EQ(page.tasks[0].task_id, ids[4]);
  EXPECT_EQ(page.tasks[1].task_id, ids[3]);
  query.page = 3;
  page = manager_->list(query);
  ASSERT_EQ(page.tasks.size(), 1u);
  EXPECT_EQ(page.tasks[0].task_id, ids[0]);
  TaskQuery failed;
  failed.status = TaskStatus::failed;
  EXPECT_EQ(manager_->list(failed).total, 1);
}

/// A store on a slow disk: every commit takes a second.
class SlowWriteStore : public SqlTaskStore {
 public:
  using SqlTaskStore::SqlTaskStore;
  void write(const std::vector<TaskRecord>& rows) override {
    std::this_thread::sleep_for(1s);
    SqlTaskStore::write(rows);
  }
};

TEST_F(Tasks, AListFilteredByStatusCountsATaskAsSoonAsItsEndIsShown) {
  SlowWriteStore slow(database_);
  TaskManager manager(slow, registry_, make_shared_services(), {});
  manager.start();
  const auto id = manager.create("test", *json("{}"), {}, true);
  for (auto until = std::chrono::steady_clock::now() + 30s;
       std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(2ms)) {
    auto r = manager.find(id);
    if (r && is_terminal(r->status)) break;
  }
  ASSERT_EQ(manager.find(id)->status, TaskStatus::finished);
  TaskQuery finished;
  finished.status = TaskStatus::finished;
  const auto page = manager.list(finished);  // the end may still be on its way to the disk
  EXPECT_EQ(page.total, 1);
  ASSERT_EQ(page.tasks.size(), 1u);
  EXPECT_EQ(page.tasks[0].task_id, id);
  manager.stop();
}

}  // namespace
}  // namespace warden::host
