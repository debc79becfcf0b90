// The bundled `http_poll` solution, loaded through the real loader and driven as the host drives
// it: `run()` hands a poll to the host, and the step "check" gets what the host's poll found.
#include "tests/support/bundled_plugin.hpp"

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <gtest/gtest.h>

#include <sstream>

namespace warden::test {
namespace {

using namespace std::chrono_literals;
using Poco::Dynamic::Var;

Poco::JSON::Object::Ptr parse_object(const std::string& text) {
  return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

/// What the host's store gives back: the object written as JSON text and read again.
Poco::JSON::Object::Ptr persisted(const Poco::JSON::Object::Ptr& object) {
  std::ostringstream text;
  Poco::JSON::Stringifier::stringify(object, text);
  return parse_object(text.str());
}

std::string compact(const Var& value) {
  std::ostringstream text;
  Poco::JSON::Stringifier::condense(value, text);
  return text.str();
}

constexpr const char* kCondition = R"({
  "url": "http://deploy.example.com:8081/api/jobs/42?token=s3cret",
  "field": "status.phase", "equals": "done", "interval": "10s", "timeout": "2m"})";

class HttpPoll : public ::testing::Test {
 protected:
  /// Runs a task with `condition` and returns its solution, waiting for the host's poll.
  std::shared_ptr<Solution> started(const std::string& condition) {
    auto solution = plugin.make<Solution>(*parse_object(condition));
    if (!solution) return nullptr;
    solution->bind_task({"ts_http_poll_1", "http_poll", "", "", ""});
    const auto status = solution->start();
    EXPECT_TRUE(status.ok) << status.message;
    return solution;
  }

  /// The step "check" with `answer`, in a new object restored from what `previous` persisted.
  std::shared_ptr<Solution> checked(const std::shared_ptr<Solution>& previous,
                                    const std::string& condition, const Var& answer) {
    auto next = plugin.make<Solution>(*parse_object(condition));
    if (!next) return nullptr;
    next->bind_task({"ts_http_poll_1", "http_poll", "", "", ""});
    next->restore_state(persisted(previous->state_json()));
    next->restore_output(persisted(previous->output_json()));
    const auto status = next->resume("check", answer);
    EXPECT_TRUE(status.ok) << status.message;
    return next;
  }

  std::shared_ptr<Solution> checked(const std::string& condition, const std::string& answer) {
    auto first = started(condition);
    if (!first) return nullptr;
    return checked(first, condition, Poco::JSON::Parser().parse(answer));
  }

  BundledPlugin plugin{"http_poll", "ts_http_poll_1"};
};

TEST_F(HttpPoll, HandsThePollToTheHostWithUrlIntervalTimeoutFieldAndValue) {
  auto solution = started(kCondition);
  ASSERT_TRUE(solution);

  const auto& outcome = solution->outcome();
  ASSERT_EQ(outcome.next, SolutionOutcome::Next::wait_polling);
  EXPECT_EQ(outcome.step, "check");
  EXPECT_EQ(outcome.url, "http://deploy.example.com:8081/api/jobs/42?token=s3cret");
  EXPECT_EQ(outcome.poll.interval, 10s);
  EXPECT_EQ(outcome.poll.timeout, 120s);
  EXPECT_EQ(outcome.poll.field, "status.phase");
  EXPECT_EQ(outcome.poll.equals, "done");
  EXPECT_EQ(outcome.poll.method, "GET");
  // The log names the host and port, never the token in the query.
  EXPECT_NE(plugin.log().find("polling deploy.example.com:8081 every 10 s until status.phase = "
                              "done, for at most 120 s"),
            std::string::npos)
      << plugin.log();
  EXPECT_EQ(plugin.log().find("s3cret"), std::string::npos) << plugin.log();
}

TEST_F(HttpPoll, IntervalAndTimeoutDefaultToFiveSecondsAndFiveMinutes) {
  auto solution =
      started(R"({"url": "https://jobs.example.com/42", "field": "done", "equals": "true"})");
  ASSERT_TRUE(solution);
  ASSERT_EQ(solution->outcome().next, SolutionOutcome::Next::wait_polling);
  EXPECT_EQ(solution->outcome().poll.interval, 5s);
  EXPECT_EQ(solution->outcome().poll.timeout, 300s);
}

TEST_F(HttpPoll, AMatchingAnswerSucceedsAndIsKeptAsTheResult) {
  auto solution = checked(kCondition, R"({"status": {"phase": "done"}, "id": 42})");
  ASSERT_TRUE(solution);

  const auto& outcome = solution->outcome();
  EXPECT_EQ(outcome.next, SolutionOutcome::Next::finished);
  EXPECT_EQ(outcome.result, "success");
  EXPECT_EQ(outcome.comment, "deploy.example.com:8081 answered with status.phase = done");
  EXPECT_EQ(compact(solution->output_json()->get("answer")),
            R"({"id":42,"status":{"phase":"done"}})");
}

TEST_F(HttpPoll, NoAnswerBeforeTheTimeoutFailsWithTimeout) {
  auto first = started(kCondition);
  ASSERT_TRUE(first);
  auto solution = checked(first, kCondition, Var());
  ASSERT_TRUE(solution);

  const auto& outcome = solution->outcome();
  EXPECT_EQ(outcome.next, SolutionOutcome::Next::finished);
  EXPECT_EQ(outcome.result, "failure");
  EXPECT_EQ(outcome.failure_type, "timeout");
  EXPECT_EQ(outcome.comment,
            "deploy.example.com:8081 did not answer with status.phase = done within 120 s");
}

TEST_F(HttpPoll, AnAnswerWithAnotherValueFails) {
  auto solution = checked(kCondition, R"({"status": {"phase": "running"}})");
  ASSERT_TRUE(solution);

  const auto& outcome = solution->outcome();
  EXPECT_EQ(outcome.next, SolutionOutcome::Next::finished);
  EXPECT_EQ(outcome.result, "failure");
  EXPECT_EQ(outcome.failure_type, "unexpected_answer");
  EXPECT_EQ(outcome.comment,
            R"(deploy.example.com:8081 answered status.phase = "running", not "done")");
  EXPECT_EQ(compact(solution->output_json()->get("answer")), R"({"status":{"phase":"running"}})");
}

TEST_F(HttpPoll, AnAnswerWithoutTheFieldFails) {
  auto solution = checked(kCondition, R"({"status": "done"})");
  ASSERT_TRUE(solution);
  EXPECT_EQ(solution->outcome().result, "failure");
  EXPECT_EQ(solution->outcome().failure_type, "unexpected_answer");
  EXPECT_EQ(solution->outcome().comment, "deploy.example.com:8081 answered without status.phase");
}

TEST_F(HttpPoll, BooleansNumbersNullAndArrayElementsCompareAsText) {
  struct Case {
    std::string field, equals, answer;
    bool matches;
  };
  const Case cases[] = {
      {"ready", "true", R"({"ready": true})", true},
      {"ready", "true", R"({"ready": false})", false},
      {"count", "3", R"({"count": 3})", true},
      {"count", "3", R"({"count": 3.0})", true},
      {"ratio", "0.5", R"({"ratio": 0.5})", true},
      {"count", "3", R"({"count": 4})", false},
      {"owner", "null", R"({"owner": null})", true},
      {"items.1.state", "ok", R"({"items": [{"state": "bad"}, {"state": "ok"}]})", true},
      {"items.2.state", "ok", R"({"items": [{"state": "ok"}]})", false},
      {"0.state", "ok", R"([{"state": "ok"}])", true},
  };
  for (const auto& c : cases) {
    const std::string condition = R"({"url": "http://127.0.0.1:9/", "field": ")" + c.field +
                                  R"(", "equals": ")" + c.equals + R"("})";
    auto solution = checked(condition, c.answer);
    ASSERT_TRUE(solution);
    EXPECT_EQ(solution->outcome().result, c.matches ? "success" : "failure")
        << c.field << " = " << c.equals << " in " << c.answer << ": "
        << solution->outcome().comment;
  }
}

TEST_F(HttpPoll, AnEqualsTypedAsANumberOrBooleanIsTextToo) {
  auto solution =
      checked(R"({"url": "http://127.0.0.1:9/", "field": "n", "equals": 3})", R"({"n": 3})");
  ASSERT_TRUE(solution);
  EXPECT_EQ(solution->outcome().result, "success") << solution->outcome().comment;
  EXPECT_EQ(solution->outcome().comment, "127.0.0.1:9 answered with n = 3");
}

TEST_F(HttpPoll, TheManifestRequiresUrlFieldAndEqualsAndRefusesANegativeTimeout) {
  ASSERT_TRUE(plugin.record());
  const auto& schema = plugin.record()->manifest->schema;
  auto result = schema.apply(*parse_object(R"({"url": "ftp://x", "timeout": "-1"})"));
  EXPECT_TRUE(result.errors.count("url"));
  EXPECT_TRUE(result.errors.count("field"));
  EXPECT_TRUE(result.errors.count("equals"));
  EXPECT_TRUE(result.errors.count("timeout"));
}

TEST_F(HttpPoll, AZeroIntervalFailsTheTaskInsteadOfPollingWithoutPause) {
  auto solution =
      started(R"({"url": "http://127.0.0.1:9/", "field": "a", "equals": "b", "interval": 0})");
  ASSERT_TRUE(solution);
  EXPECT_EQ(solution->outcome().next, SolutionOutcome::Next::finished);
  EXPECT_EQ(solution->outcome().result, "failure");
  EXPECT_EQ(solution->outcome().failure_type, "invalid_condition");
  EXPECT_EQ(solution->outcome().comment, "interval must be at least 1 s");
}

}  // namespace
}  // namespace warden::test
