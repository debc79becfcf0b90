#include "test_solution.hpp"

namespace warden::plugins {

void TestSolution::run() {
  step1();
}

void TestSolution::step1() {
  log().info("task " + task().task_id + " runs step 1");
  output().set("step", "step1");
  if (config().has("message")) output().set("message", config().string("message"));
  // A task an automation policy made carries the alert that caused it: its title and labels go
  // into the result data, so that the alarm can be seen to arrive.
  const Alert& cause = alarm();
  if (!cause.title.empty() || !cause.subject.empty() || !cause.message.empty()) {
    output().set("alarm_title", cause.title);
    Poco::JSON::Object::Ptr labels = new Poco::JSON::Object;
    for (const auto& [key, value] : cause.labels) labels->set(key, value);
    output().set("alarm_labels", labels);
  }
  set_finished("success", "test solution ran successfully");
}

}  // namespace warden::plugins
