// A task an automation action made: its action id and alarm are stored with it, survive a restart
// of the host and of the task, and the solution sees the alarm (the bundled `test` solution puts
// its title and labels into its output). Listeners: every one added hears each run.
#include "host/runtime/alert_json.hpp"
#include "host/store/database.hpp"
#include "host/tasks/task_manager.hpp"
#include "tests/support/temp_dir.hpp"

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <mutex>
#include <thread>

namespace warden::host {
namespace {

using namespace std::chrono_literals;

Poco::JSON::Object::Ptr json(const std::string& text) {
  return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

Alert disk_alert() {
  Alert a;
  a.title = "Disk full";
  a.source = "prometheus";
  a.status = "firing";
  a.labels = {{"env", "production"}, {"host", "db-1"}};
  return a;
}

class Recorder : public TaskListener {
 public:
  void task_started(const std::string& id, std::int64_t, std::int64_t) override {
    std::lock_guard lock(mutex);
    events.push_back("started " + id);
  }
  void task_ended(const std::string& id, std::int64_t) override {
    std::lock_guard lock(mutex);
    events.push_back("ended " + id);
  }
  std::vector<std::string> seen() {
    std::lock_guard lock(mutex);
    return events;
  }
  std::mutex mutex;
  std::vector<std::string> events;
};

class TaskAlarm : public ::testing::Test {
 protected:
  void SetUp() override { registry_.reload(); }

  TaskManager& start() {
    manager_.reset();
    manager_ = std::make_unique<TaskManager>(store_, registry_, make_shared_services(),
                                             TaskManagerOptions{});
    for (auto* listener : listeners_) manager_->add_listener(listener);
    manager_->start();
    return *manager_;
  }

  TaskRecord ended(const std::string& id) {
    const auto until = std::chrono::steady_clock::now() + 60s;
    while (std::chrono::steady_clock::now() < until) {
      auto r = manager_->find(id);
      if (r && is_terminal(r->status)) return *r;
      std::this_thread::sleep_for(2ms);
    }
    ADD_FAILURE() << "task " << id << " did not end within a minute";
    return manager_->find(id).value_or(TaskRecord{});
  }

  static void expect_alarm_in_output(const TaskRecord& task) {
    const auto output = json(task.result);
    EXPECT_EQ(output->optValue<std::string>("alarm_title", ""), "Disk full") << task.result;
    const auto labels = output->getObject("alarm_labels");
    ASSERT_TRUE(labels) << task.result;
    EXPECT_EQ(labels->getValue<std::string>("env"), "production");
    EXPECT_EQ(labels->getValue<std::string>("host"), "db-1");
  }

  test::TempDir dir_;
  Database database_{"sqlite:" + (dir_.path() / "tasks.db").string()};
  SqlTaskStore store_{database_};
  PluginRegistry registry_{{WARDEN_STAGED_PLUGINS_DIR}};
  std::vector<TaskListener*> listeners_;
  std::unique_ptr<TaskManager> manager_;
};

TEST_F(TaskAlarm, TheSolutionSeesTheAlarmAndTheTaskKeepsItsAction) {
  start();
  const auto id =
      manager_->create("test", Poco::JSON::Object(), {}, true, TaskOrigin{"ac_1", disk_alert()});
  const auto task = ended(id);
  EXPECT_EQ(task.status, TaskStatus::finished) << task.message();
  EXPECT_EQ(task.action_id, "ac_1");
  const auto alarm = alert_from_json(*json(task.alarm));
  EXPECT_EQ(alarm.title, "Disk full");
  EXPECT_EQ(alarm.labels, disk_alert().labels);
  expect_alarm_in_output(task);
}

TEST_F(TaskAlarm, ATaskFromCreateTaskHasAnEmptyAlarm) {
  start();
  const auto task = ended(manager_->create("test", Poco::JSON::Object(), {}, true));
  EXPECT_EQ(task.status, TaskStatus::finished) << task.message();
  EXPECT_EQ(task.action_id, "");
  EXPECT_EQ(task.alarm, "");
  EXPECT_FALSE(json(task.result)->has("alarm_labels"));
}

TEST_F(TaskAlarm, TheAlarmOutlivesTheHostAndARestartOfTheTask) {
  start();
  const auto id =
      manager_->create("test", Poco::JSON::Object(), {}, false, TaskOrigin{"ac_2", disk_alert()});
  start();  // another host over the same store
  manager_->restart(id);
  auto task = ended(id);
  EXPECT_EQ(task.action_id, "ac_2");
  expect_alarm_in_output(task);
  const auto first_run = task.generation;
  manager_->restart(id);  // and once more, after it ended
  task = ended(id);
  EXPECT_GT(task.generation, first_run) << "it ran again";
  EXPECT_EQ(task.action_id, "ac_2");
  expect_alarm_in_output(task);
}

TEST_F(TaskAlarm, EveryListenerHearsEachRun) {
  Recorder timers, engine;
  listeners_ = {&timers, &engine};
  start();
  const auto id = manager_->create("test", Poco::JSON::Object(), {}, true);
  ended(id);
  const std::vector<std::string> expected{"started " + id, "ended " + id};
  EXPECT_EQ(timers.seen(), expected);
  EXPECT_EQ(engine.seen(), expected);
}

}  // namespace
}  // namespace warden::host
