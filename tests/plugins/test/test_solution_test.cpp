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

TEST(TestSolution, PutsItsAlarmsTitleAndLabelsIntoItsOutput) {
  BundledPlugin plugin("test", "ts_test_2");
  auto solution = plugin.make<Solution>(Poco::JSON::Object());
  ASSERT_TRUE(solution);
  solution->bind_task({"ts_test_2", "test", "", "", ""});
  Alert alarm;
  alarm.title = "Disk full";
  alarm.labels = {{"env", "production"}, {"host", "db-1"}};
  solution->bind_alarm(alarm);
  ASSERT_TRUE(solution->start().ok);

  const auto output = solution->output_json();
  EXPECT_EQ(output->getValue<std::string>("alarm_title"), "Disk full");
  const auto labels = output->getObject("alarm_labels");
  ASSERT_TRUE(labels);
  EXPECT_EQ(labels->size(), 2u);
  EXPECT_EQ(labels->getValue<std::string>("env"), "production");
  EXPECT_EQ(labels->getValue<std::string>("host"), "db-1");
}

TEST(TestSolution, WithoutAnAlarmItsOutputHasNone) {
  BundledPlugin plugin("test", "ts_test_3");
  auto solution = plugin.make<Solution>(Poco::JSON::Object());
  ASSERT_TRUE(solution);
  ASSERT_TRUE(solution->start().ok);
  EXPECT_FALSE(solution->output_json()->has("alarm_labels"));
  EXPECT_FALSE(solution->output_json()->has("alarm_title"));
}

}  // namespace
}  // namespace warden::test
