#include "test_solution.hpp"

namespace warden::plugins {

void TestSolution::run() {
  step1();
}

void TestSolution::step1() {
  log().info("task " + task().task_id + " runs step 1");
  output().set("step", "step1");
  if (config().has("message")) output().set("message", config().string("message"));
  set_finished("success", "test solution ran successfully");
}

}  // namespace warden::plugins
