#include "host/services/poco_http_client.hpp"
#include "host/tasks/poll_wait.hpp"
#include "tests/support/http_receiver.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

namespace warden::host {
namespace {

TEST(JsonPath, FollowsObjectsAndArrayIndexes) {
  auto root = Poco::JSON::Parser().parse(R"({"a": {"b": [{"c": true}, {"c": 2.5}]}, "s": "x"})");
  EXPECT_EQ(json_text(*json_at(root, "a.b.0.c")), "true");
  EXPECT_EQ(json_text(*json_at(root, "a.b.1.c")), "2.5");
  EXPECT_EQ(json_text(*json_at(root, "s")), "x");
  EXPECT_FALSE(json_at(root, "a.b.2.c"));
  EXPECT_FALSE(json_at(root, "a.b.x"));
  EXPECT_FALSE(json_at(root, "s.t"));
  EXPECT_FALSE(json_at(root, "missing"));
}

TEST(PollWait, AnAttemptCountsAndSaysWhyItDidNotMatch) {
  test::HttpReceiver receiver;
  receiver.respond("/s", {200, R"({"state": "pending"})", "application/json"});
  PocoHttpClient http;
  PollOptions options;
  options.field = "state";
  options.equals = "done";
  options.max_attempts = 2;
  auto wait = PollWait::from_options(receiver.url("/s?token=secret"), options, 1'000);
  EXPECT_FALSE(wait.attempt(http));
  EXPECT_EQ(wait.attempts, 1);
  EXPECT_EQ(wait.last_error, "\"state\" is pending, not done");
  EXPECT_FALSE(wait.exhausted(1'001));
  receiver.respond("/s", {500, "oops"});
  EXPECT_FALSE(wait.attempt(http));
  EXPECT_EQ(wait.last_error.find("secret"), std::string::npos) << wait.last_error;
  EXPECT_NE(wait.last_error.find("answered 500"), std::string::npos) << wait.last_error;
  EXPECT_TRUE(wait.exhausted(1'002));  // max_attempts
}

TEST(PollWait, AMatchingAnswerIsHandedOnAndTheWaitSurvivesItsJson) {
  test::HttpReceiver receiver;
  receiver.respond("/s", {200, R"({"state": "done", "n": 1})", "application/json"});
  PocoHttpClient http;
  PollOptions options;
  options.field = "state";
  options.equals = "done";
  options.timeout = std::chrono::milliseconds(500);
  auto wait = PollWait::from_options(receiver.url("/s"), options, 1'000);
  auto answer = wait.attempt(http);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->extract<Poco::JSON::Object::Ptr>()->getValue<int>("n"), 1);
  auto again = PollWait::from_json(wait.to_json());
  EXPECT_EQ(again.attempts, 1);
  EXPECT_EQ(again.until_ms, 1'500);
  EXPECT_EQ(again.field, "state");
  EXPECT_TRUE(again.exhausted(1'500));
  EXPECT_THROW(PollWait::from_json("{}"), std::invalid_argument);
}

}  // namespace
}  // namespace warden::host
