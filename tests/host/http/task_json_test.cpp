// Task answers: a task an automation action made names its action; any other keeps seed 004's
// shape.
#include "host/http/task_json.hpp"

#include "host/http/json.hpp"

#include <set>
#include <string>

#include <gtest/gtest.h>

namespace warden::host::http {
namespace {

TaskRecord finished_task() {
  TaskRecord task;
  task.task_id = "ts_test_1";
  task.service = "test";
  task.status = TaskStatus::finished;
  task.create_ms = 1'000;
  task.start_ms = 2'000;
  task.end_ms = 3'000;
  task.result = R"({"step": "step1"})";
  return task;
}

TEST(HttpTaskJson, AnActionsTaskNamesItsAction) {
  auto task = finished_task();
  task.action_id = "ac_0193";
  task.alarm = R"({"title": "Disk full"})";
  const Poco::JSON::Object::Ptr condition = new Poco::JSON::Object;
  EXPECT_EQ(task_status_json(task.task_id, task)->getValue<std::string>("action_id"), "ac_0193");
  EXPECT_EQ(task_result_json(task, 4'000)->getValue<std::string>("action_id"), "ac_0193");
  EXPECT_EQ(task_list_json(task, condition)->getValue<std::string>("action_id"), "ac_0193");
  EXPECT_FALSE(task_result_json(task, 4'000)->has("alarm")) << "the alarm is the solution's";
}

std::set<std::string> names(const Poco::JSON::Object::Ptr& o) {
  std::set<std::string> out;
  for (const auto& [name, value] : *o) out.insert(name);
  return out;
}

TEST(HttpTaskJson, OtherTasksKeepSeed004sShape) {
  const auto task = finished_task();
  const Poco::JSON::Object::Ptr condition = new Poco::JSON::Object;
  EXPECT_EQ(names(task_status_json(task.task_id, task)),
            (std::set<std::string>{"task_id", "status", "message", "start_time", "end_time"}))
      << stringify(task_status_json(task.task_id, task));
  EXPECT_FALSE(task_result_json(task, 4'000)->has("action_id"));
  EXPECT_FALSE(task_list_json(task, condition)->has("action_id"));
}

}  // namespace
}  // namespace warden::host::http
