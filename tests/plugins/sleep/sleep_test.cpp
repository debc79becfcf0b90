// The bundled `sleep` solution, loaded through the real loader and driven as the host drives it.
#include "tests/support/bundled_plugin.hpp"

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <gtest/gtest.h>

#include <sstream>

namespace warden::test {
namespace {

using namespace std::chrono_literals;

/// What the host's store gives back: the object written as JSON text and read again.
Poco::JSON::Object::Ptr persisted(const Poco::JSON::Object::Ptr& object) {
  std::ostringstream text;
  Poco::JSON::Stringifier::stringify(object, text);
  return Poco::JSON::Parser().parse(text.str()).extract<Poco::JSON::Object::Ptr>();
}

Poco::JSON::Object condition(const Poco::Dynamic::Var& seconds) {
  Poco::JSON::Object out;
  out.set("seconds", seconds);
  return out;
}

TEST(SleepSolution, WaitsTheConfiguredSecondsThenFinishesInANewObject) {
  BundledPlugin plugin("sleep", "ts_sleep_1");
  auto first = plugin.make<Solution>(condition("1m30s"));
  ASSERT_TRUE(first);
  first->bind_task({"ts_sleep_1", "sleep", "", "", ""});
  auto status = first->start();
  ASSERT_TRUE(status.ok) << status.message;

  ASSERT_EQ(first->outcome().next, SolutionOutcome::Next::wait_callback);
  EXPECT_EQ(first->outcome().step, "wake");
  EXPECT_EQ(first->outcome().delay, 90s);

  // After a restart the host makes a new object and hands it what it persisted.
  auto second = plugin.make<Solution>(condition("1m30s"));
  ASSERT_TRUE(second);
  second->bind_task({"ts_sleep_1", "sleep", "", "", ""});
  second->restore_state(persisted(first->state_json()));
  second->restore_output(persisted(first->output_json()));
  status = second->resume("wake", Poco::Dynamic::Var());
  ASSERT_TRUE(status.ok) << status.message;

  const auto& outcome = second->outcome();
  EXPECT_EQ(outcome.next, SolutionOutcome::Next::finished);
  EXPECT_EQ(outcome.result, "success");
  EXPECT_EQ(outcome.comment, "slept 90 s");
  EXPECT_EQ(second->output_json()->getValue<int>("slept_seconds"), 90);
  EXPECT_NE(plugin.log().find("[plugin=sleep task=ts_sleep_1] sleeping 90 s"), std::string::npos)
      << plugin.log();
}

TEST(SleepSolution, ABareNumberIsSeconds) {
  BundledPlugin plugin("sleep");
  auto solution = plugin.make<Solution>(condition(7));
  ASSERT_TRUE(solution);
  ASSERT_TRUE(solution->start().ok);
  ASSERT_EQ(solution->outcome().next, SolutionOutcome::Next::wait_callback);
  EXPECT_EQ(solution->outcome().delay, 7s);
}

TEST(SleepSolution, ZeroFinishesAtOnce) {
  BundledPlugin plugin("sleep");
  auto solution = plugin.make<Solution>(condition("0"));
  ASSERT_TRUE(solution);
  auto status = solution->start();
  ASSERT_TRUE(status.ok) << status.message;

  const auto& outcome = solution->outcome();
  EXPECT_EQ(outcome.next, SolutionOutcome::Next::finished);
  EXPECT_EQ(outcome.result, "success");
  EXPECT_EQ(outcome.comment, "slept 0 s");
  EXPECT_EQ(solution->output_json()->getValue<int>("slept_seconds"), 0);
}

TEST(SleepSolution, TheManifestRefusesANegativeOrMissingDuration) {
  BundledPlugin plugin("sleep");
  ASSERT_TRUE(plugin.record());
  const auto& schema = plugin.record()->manifest->schema;

  for (const Poco::Dynamic::Var& seconds : {Poco::Dynamic::Var(-5), Poco::Dynamic::Var("-5s")}) {
    auto checked = schema.apply(condition(seconds));
    ASSERT_TRUE(checked.errors.count("seconds")) << seconds.toString();
    EXPECT_EQ(checked.errors.at("seconds"), "must not be negative");
  }
  EXPECT_TRUE(schema.apply(Poco::JSON::Object()).errors.count("seconds"));
  EXPECT_TRUE(schema.apply(condition("soon")).errors.count("seconds"));
  EXPECT_TRUE(schema.apply(condition(0)).ok());
}

}  // namespace
}  // namespace warden::test
