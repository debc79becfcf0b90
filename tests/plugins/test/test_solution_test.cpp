// The bundled `test` solution (seed 000's example), loaded through the real loader.
#include "tests/support/bundled_plugin.hpp"

#include <gtest/gtest.h>

namespace warden::test {
namespace {

TEST(TestSolution, RunsStepOneThenFinishesWithSuccess) {
  BundledPlugin plugin("test", "ts_test_1");
  Poco::JSON::Object condition;
  condition.set("message", "hello");
  auto solution = plugin.make<Solution>(condition);
  ASSERT_TRUE(solution);
  solution->bind_task({"ts_test_1", "test", "", "", ""});
  auto status = solution->start();
  ASSERT_TRUE(status.ok) << status.message;

  const auto& outcome = solution->outcome();
  EXPECT_EQ(outcome.next, SolutionOutcome::Next::finished);
  EXPECT_EQ(outcome.result, "success");
  EXPECT_EQ(solution->output_json()->getValue<std::string>("step"), "step1");
  EXPECT_EQ(solution->output_json()->getValue<std::string>("message"), "hello");
  EXPECT_NE(plugin.log().find("[plugin=test task=ts_test_1] task ts_test_1 runs step 1"),
            std::string::npos)
      << plugin.log();
}

}  // namespace
}  // namespace warden::test
