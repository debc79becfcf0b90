// The Solution base class's contract with the host, without a library in between.
#include "host/services/host_services_impl.hpp"
#include "host/services/spdlog_logger.hpp"

#include <warden/warden.hpp>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <sstream>
#include <stdexcept>

namespace warden {
namespace {

class Scripted : public Solution {
 public:
  Scripted() {
    step("poll_done", [this](const Poco::Dynamic::Var& answer) {
      state().set("answer", answer);
      set_finished("success", "polled");
    });
    step("explode", [](const Poco::Dynamic::Var&) { throw std::runtime_error("disk full"); });
  }
  std::function<void(Scripted&)> script;
  void run() override { script(*this); }

  using Solution::set_finished;
  using Solution::state;
  using Solution::wait_callback;
  using Solution::wait_polling_callback;
};

class SolutionContract : public ::testing::Test {
 protected:
  SolutionContract()
      : services_(host::make_shared_services(),
                  std::make_unique<host::SpdlogLogger>(
                      "plugin=scripted",
                      std::make_shared<spdlog::logger>(
                          "scripted", std::make_shared<spdlog::sinks::ostream_sink_mt>(lines_)))) {
    solution_.bind(services_, Config());
  }
  std::ostringstream lines_;
  host::HostServicesImpl services_;
  Scripted solution_;
};

TEST_F(SolutionContract, SetFinishedTakesEffectOnceAndALaterCallIsLoggedAndIgnored) {
  solution_.script = [](Scripted& s) {
    s.set_finished("failure", "first", "timeout");
    s.set_finished("success", "second");
    s.wait_callback("again", std::chrono::seconds(5));
  };
  ASSERT_TRUE(solution_.start().ok);
  EXPECT_EQ(solution_.outcome().next, SolutionOutcome::Next::finished);
  EXPECT_EQ(solution_.outcome().result, "failure");
  EXPECT_EQ(solution_.outcome().comment, "first");
  EXPECT_EQ(solution_.outcome().failure_type, "timeout");
  EXPECT_NE(lines_.str().find("set_finished called again; ignored"), std::string::npos);
  EXPECT_NE(lines_.str().find("wait_callback after set_finished; ignored"), std::string::npos);
}

TEST_F(SolutionContract, WaitsAreRecordedForTheHostAndStepsGetTheAnswer) {
  solution_.script = [](Scripted& s) {
    PollOptions poll;
    poll.field = "status";
    poll.equals = "done";
    s.wait_polling_callback("poll_done", "http://127.0.0.1:9/status", poll);
  };
  ASSERT_TRUE(solution_.start().ok);
  EXPECT_EQ(solution_.outcome().next, SolutionOutcome::Next::wait_polling);
  EXPECT_EQ(solution_.outcome().step, "poll_done");
  EXPECT_EQ(solution_.outcome().poll.equals, "done");

  ASSERT_TRUE(solution_.resume("poll_done", Poco::Dynamic::Var("done")).ok);
  EXPECT_EQ(solution_.outcome().next, SolutionOutcome::Next::finished);
  EXPECT_EQ(solution_.state_json()->getValue<std::string>("answer"), "done");
}

TEST_F(SolutionContract, ExceptionsBecomeFailedStatusesWithTheirText) {
  solution_.script = [](Scripted&) { throw std::logic_error("bad condition"); };
  auto status = solution_.start();
  EXPECT_FALSE(status.ok);
  EXPECT_EQ(status.message, "bad condition");
  status = solution_.resume("explode", {});
  EXPECT_FALSE(status.ok);
  EXPECT_EQ(status.message, "disk full");
}

TEST(ConfigValues, TypedGettersNameTheFieldWhenItIsAbsentOrOfAnotherType) {
  Poco::JSON::Object::Ptr values = new Poco::JSON::Object;
  values->set("port", 25);
  values->set("host", "smtp.example.com");
  Config config(values);
  EXPECT_EQ(config.integer("port"), 25);
  EXPECT_EQ(config.string("host"), "smtp.example.com");
  EXPECT_EQ(config.string_or("missing", "fallback"), "fallback");
  try {
    config.boolean("port");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "config field 'port' is not a boolean");
  }
  EXPECT_THROW(config.string("missing"), std::invalid_argument);
}

}  // namespace
}  // namespace warden
