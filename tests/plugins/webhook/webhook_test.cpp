// The bundled `webhook` solution, loaded through the real loader, sending real requests to a real
// receiver, and driven as the host drives it: each retry runs in a NEW object restored from what
// the previous one persisted.
#include "tests/support/bundled_plugin.hpp"
#include "tests/support/http_receiver.hpp"

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/Net/ServerSocket.h>

#include <gtest/gtest.h>

#include <sstream>

namespace warden::test {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

Poco::JSON::Object::Ptr parse_object(const std::string& text) {
  return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

/// What the host's store gives back: the object written as JSON text and read again.
Poco::JSON::Object::Ptr persisted(const Poco::JSON::Object::Ptr& object) {
  std::ostringstream text;
  Poco::JSON::Stringifier::stringify(object, text);
  return parse_object(text.str());
}

/// `text` as a JSON string literal, quotes included.
std::string json_string(const std::string& text) {
  std::ostringstream out;
  Poco::JSON::Stringifier::formatString(text, out);
  return out.str();
}

constexpr const char* kTaskId = "ts_webhook_5f0c";

class Webhook : public ::testing::Test {
 protected:
  /// A task's condition: `url` pointing at the receiver's `path`, plus `more` JSON members.
  std::string condition(const std::string& path, const std::string& more = "") const {
    return R"({"url": )" + json_string(receiver.url(path)) + (more.empty() ? "" : ", " + more) +
           "}";
  }

  std::shared_ptr<Solution> make(const std::string& condition, const std::string& stored = "{}") {
    auto solution = plugin.make<Solution>(*parse_object(condition), *parse_object(stored));
    if (solution) solution->bind_task({kTaskId, "webhook", "", "", ""});
    return solution;
  }

  /// Runs a task with `condition`: its first attempt.
  std::shared_ptr<Solution> started(const std::string& condition,
                                    const std::string& stored = "{}") {
    auto solution = make(condition, stored);
    if (!solution) return nullptr;
    const auto status = solution->start();
    EXPECT_TRUE(status.ok) << status.message;
    return solution;
  }

  /// The step "retry", in a new object restored from what `previous` persisted.
  std::shared_ptr<Solution> retried(const std::shared_ptr<Solution>& previous,
                                    const std::string& condition) {
    EXPECT_EQ(previous->outcome().next, SolutionOutcome::Next::wait_callback);
    EXPECT_EQ(previous->outcome().step, "retry");
    auto next = make(condition);
    if (!next) return nullptr;
    next->restore_state(persisted(previous->state_json()));
    next->restore_output(persisted(previous->output_json()));
    const auto status = next->resume("retry", Poco::Dynamic::Var());
    EXPECT_TRUE(status.ok) << status.message;
    return next;
  }

  std::string where() const { return "127.0.0.1:" + std::to_string(receiver.port()); }

  HttpReceiver receiver;
  BundledPlugin plugin{"webhook", kTaskId};
};

TEST_F(Webhook, PostsTheRenderedBodyWithItsHeadersAndRecordsA2xxAnswer) {
  receiver.respond(
      "/hooks/restart",
      {.status = 201, .body = R"({"job": 7, "queued": true})", .content_type = "application/json"});
  // The headers value carries quotes, a backslash and a line break into the JSON body.
  const std::string headers = "X-Env: prod\nX-Note: say \"hi\" \\ bye";
  const std::string cond = condition(
      "/hooks/restart?token=s3cret",
      R"("headers": )" + json_string(headers) + R"(, "body": )" +
          json_string(R"({"task": "{{task.task_id}}", "service": "{{task.service}}",)"
                      "\n"
                      R"( "headers": "{{condition.headers}}", "retries": {{condition.retries}}})"));
  auto solution = started(cond);
  ASSERT_TRUE(solution);

  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& got = requests[0];
  EXPECT_EQ(got.method, "POST");
  EXPECT_EQ(got.uri, "/hooks/restart?token=s3cret");
  EXPECT_EQ(got.header("Content-Type"), "application/json");
  EXPECT_EQ(got.header("X-Env"), "prod");
  EXPECT_EQ(got.header("X-Note"), R"(say "hi" \ bye)");
  Poco::JSON::Object::Ptr body;
  ASSERT_NO_THROW(body = parse_object(got.body)) << got.body;
  EXPECT_EQ(body->getValue<std::string>("task"), kTaskId);
  EXPECT_EQ(body->getValue<std::string>("service"), "webhook");
  EXPECT_EQ(body->getValue<std::string>("headers"), headers);
  EXPECT_EQ(body->getValue<int>("retries"), 3);

  const auto& outcome = solution->outcome();
  EXPECT_EQ(outcome.next, SolutionOutcome::Next::finished);
  EXPECT_EQ(outcome.result, "success");
  EXPECT_EQ(outcome.comment, "POST " + where() + " answered HTTP 201 after 1 attempt");
  const auto output = solution->output_json();
  EXPECT_EQ(output->getValue<int>("status"), 201);
  EXPECT_EQ(output->getValue<int>("attempts"), 1);
  ASSERT_TRUE(output->getObject("body")) << "the JSON answer is kept parsed";
  EXPECT_EQ(output->getObject("body")->getValue<int>("job"), 7);
  EXPECT_FALSE(output->has("error"));
  // Neither the query's token nor a header value reaches the log.
  EXPECT_EQ(plugin.log().find("s3cret"), std::string::npos) << plugin.log();
  EXPECT_EQ(plugin.log().find("prod"), std::string::npos) << plugin.log();
}

TEST_F(Webhook, APlainTextBodyIsSentUnescapedAndATextAnswerKeptAsText) {
  receiver.respond("/text", {.status = 200, .body = "accepted"});
  auto solution = started(
      condition("/text", R"("method": "PUT", "body": "restart \"{{task.task_id}}\"\nnow")"));
  ASSERT_TRUE(solution);

  ASSERT_EQ(receiver.requests().size(), 1u);
  const auto got = receiver.requests()[0];
  EXPECT_EQ(got.method, "PUT");
  EXPECT_EQ(got.header("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(got.body, std::string("restart \"") + kTaskId + "\"\nnow");
  EXPECT_EQ(solution->outcome().result, "success");
  EXPECT_EQ(solution->output_json()->getValue<std::string>("body"), "accepted");
}

TEST_F(Webhook, AContentTypeHeaderLineDecidesTheBodysTypeAndEscaping) {
  const std::string headers = "Content-Type: application/merge-patch+json\nX-Q: \"q\"";
  auto solution =
      started(condition("/ct", R"("method": "PATCH", "headers": )" + json_string(headers) +
                                   R"(, "body": " {\"h\": \"{{condition.headers}}\"}")"));
  ASSERT_TRUE(solution);
  ASSERT_EQ(receiver.requests().size(), 1u);
  const auto got = receiver.requests()[0];
  EXPECT_EQ(got.method, "PATCH");
  EXPECT_EQ(got.header("Content-Type"), "application/merge-patch+json");
  EXPECT_EQ(got.header("X-Q"), "\"q\"");
  Poco::JSON::Object::Ptr body;
  ASSERT_NO_THROW(body = parse_object(got.body)) << got.body;
  EXPECT_EQ(body->getValue<std::string>("h"), headers);
}

TEST_F(Webhook, AGetCarriesNoBody) {
  auto solution = started(condition("/get", R"("method": "GET", "body": "{\"a\": 1}")"));
  ASSERT_TRUE(solution);
  ASSERT_EQ(receiver.requests().size(), 1u);
  EXPECT_EQ(receiver.requests()[0].method, "GET");
  EXPECT_EQ(receiver.requests()[0].body, "");
  EXPECT_EQ(receiver.requests()[0].header("Content-Type"), "");
  EXPECT_EQ(solution->outcome().result, "success");
}

TEST_F(Webhook, AServerErrorIsRetriedWithGrowingDelaysAndAttemptsSurviveNewObjects) {
  receiver.respond("/flaky", {.status = 500, .body = "boom"});
  const std::string cond = condition("/flaky?token=s3cret");

  auto solution = started(cond);
  ASSERT_TRUE(solution);
  // Backoff: 1 s doubling, each less up to a quarter at random.
  const milliseconds ceilings[] = {1000ms, 2000ms, 4000ms};
  for (int retry = 1; retry <= 3; ++retry) {
    const auto& outcome = solution->outcome();
    ASSERT_EQ(outcome.next, SolutionOutcome::Next::wait_callback) << "retry " << retry;
    EXPECT_EQ(outcome.step, "retry");
    const milliseconds ceiling = ceilings[retry - 1];
    EXPECT_LE(outcome.delay, ceiling) << "retry " << retry;
    EXPECT_GE(outcome.delay, ceiling * 3 / 4) << "retry " << retry;
    EXPECT_EQ(solution->state_json()->getValue<int>("attempts"), retry);
    EXPECT_EQ(solution->output_json()->getValue<int>("status"), 500);
    EXPECT_EQ(solution->output_json()->getValue<std::string>("body"), "boom");
    EXPECT_EQ(solution->output_json()->getValue<int>("attempts"), retry);
    if (retry == 3) receiver.respond("/flaky", {.status = 200, .body = "{}"});
    solution = retried(solution, cond);
    ASSERT_TRUE(solution);
  }

  EXPECT_EQ(receiver.requests().size(), 4u);
  EXPECT_EQ(solution->outcome().next, SolutionOutcome::Next::finished);
  EXPECT_EQ(solution->outcome().result, "success");
  EXPECT_EQ(solution->outcome().comment, "POST " + where() + " answered HTTP 200 after 4 attempts");
  EXPECT_EQ(solution->output_json()->getValue<int>("attempts"), 4);
  EXPECT_NE(plugin.log().find("POST " + where() + " failed: HTTP 500; retry 1 of 3 in "),
            std::string::npos)
      << plugin.log();
  EXPECT_EQ(plugin.log().find("s3cret"), std::string::npos) << plugin.log();
}

TEST_F(Webhook, TheBackoffIsCappedAtSixtySeconds) {
  receiver.respond("/down", {.status = 502});
  const std::string cond = condition("/down", R"("retries": 10)");
  auto solution = started(cond);
  ASSERT_TRUE(solution);
  for (int retry = 1; retry < 10; ++retry) {
    ASSERT_EQ(solution->outcome().next, SolutionOutcome::Next::wait_callback);
    EXPECT_LE(solution->outcome().delay, 60s) << "retry " << retry;
    if (retry >= 7) {
      EXPECT_GE(solution->outcome().delay, 45s) << "retry " << retry;
    }
    solution = retried(solution, cond);
    ASSERT_TRUE(solution);
  }
}

TEST_F(Webhook, RetryAfterInSecondsSetsTheDelay) {
  receiver.respond("/busy", {.status = 429, .headers = {{"Retry-After", "7"}}});
  receiver.respond("/unavailable", {.status = 503, .headers = {{"Retry-After", "120"}}});

  auto busy = started(condition("/busy"));
  ASSERT_TRUE(busy);
  ASSERT_EQ(busy->outcome().next, SolutionOutcome::Next::wait_callback);
  EXPECT_EQ(busy->outcome().delay, 7s);

  auto unavailable = started(condition("/unavailable"));
  ASSERT_TRUE(unavailable);
  ASSERT_EQ(unavailable->outcome().next, SolutionOutcome::Next::wait_callback);
  EXPECT_EQ(unavailable->outcome().delay, 120s);
}

TEST_F(Webhook, AClientErrorIsNotRetried) {
  receiver.respond(
      "/missing",
      {.status = 404, .body = R"({"error": "no such job"})", .content_type = "application/json"});
  auto solution = started(condition("/missing"));
  ASSERT_TRUE(solution);

  EXPECT_EQ(receiver.requests().size(), 1u);
  const auto& outcome = solution->outcome();
  EXPECT_EQ(outcome.next, SolutionOutcome::Next::finished);
  EXPECT_EQ(outcome.result, "failure");
  EXPECT_EQ(outcome.failure_type, "http_error");
  EXPECT_EQ(outcome.comment, "POST " + where() + " failed after 1 attempt: HTTP 404");
  EXPECT_EQ(solution->output_json()->getValue<int>("status"), 404);
  EXPECT_EQ(solution->output_json()->getObject("body")->getValue<std::string>("error"),
            "no such job");
}

TEST_F(Webhook, RetriesExhaustedFailNamingOnlyHostAndPort) {
  receiver.respond("/secret/path", {.status = 500, .body = "still down"});
  const std::string cond = condition("/secret/path?token=s3cret",
                                     R"("retries": 2, "headers": "Authorization: Bearer t0ken")");

  auto solution = started(cond);
  ASSERT_TRUE(solution);
  solution = retried(solution, cond);
  ASSERT_TRUE(solution);
  solution = retried(solution, cond);
  ASSERT_TRUE(solution);

  EXPECT_EQ(receiver.requests().size(), 3u);
  EXPECT_EQ(receiver.requests()[2].header("Authorization"), "Bearer t0ken");
  const auto& outcome = solution->outcome();
  EXPECT_EQ(outcome.next, SolutionOutcome::Next::finished);
  EXPECT_EQ(outcome.result, "failure");
  EXPECT_EQ(outcome.failure_type, "http_error");
  EXPECT_EQ(outcome.comment, "POST " + where() + " failed after 3 attempts: HTTP 500");
  EXPECT_EQ(solution->output_json()->getValue<int>("status"), 500);
  EXPECT_EQ(solution->output_json()->getValue<std::string>("body"), "still down");
  EXPECT_EQ(solution->output_json()->getValue<int>("attempts"), 3);
  for (const std::string secret : {"s3cret", "secret/path", "t0ken"})
    EXPECT_EQ(plugin.log().find(secret), std::string::npos) << secret << " in\n" << plugin.log();
}

TEST_F(Webhook, NoRetriesMeansOneAttempt) {
  receiver.respond("/down", {.status = 503});
  auto solution = started(condition("/down", R"("retries": 0)"));
  ASSERT_TRUE(solution);
  EXPECT_EQ(solution->outcome().result, "failure");
  EXPECT_EQ(solution->outcome().comment, "POST " + where() + " failed after 1 attempt: HTTP 503");
}

TEST_F(Webhook, AnUnreachableServerIsRetriedThenFailsWithTheTransportError) {
  Poco::UInt16 closed_port;
  {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    closed_port = socket.address().port();
  }
  const std::string closed = "127.0.0.1:" + std::to_string(closed_port);
  const std::string cond = R"({"url": "http://)" + closed + R"(/x?token=s3cret", "retries": 1})";

  auto solution = started(cond);
  ASSERT_TRUE(solution);
  ASSERT_EQ(solution->outcome().next, SolutionOutcome::Next::wait_callback);
  EXPECT_EQ(solution->output_json()->getValue<int>("status"), 0);
  EXPECT_EQ(solution->output_json()->getValue<std::string>("error"),
            "connection refused by " + closed);
  solution = retried(solution, cond);
  ASSERT_TRUE(solution);

  EXPECT_EQ(solution->outcome().result, "failure");
  EXPECT_EQ(solution->outcome().failure_type, "http_error");
  EXPECT_EQ(solution->outcome().comment,
            "POST " + closed + " failed after 2 attempts: connection refused by " + closed);
}

// Headers stored before the manifest checked them (it refuses these now): the plugin still does.
TEST_F(Webhook, MalformedHeadersFailTheTaskWithoutARequest) {
  auto solution =
      started(condition("/x"), R"({"headers": "X-Ok: 1\nAuthorization Bearer s3cret"})");
  ASSERT_TRUE(solution);

  EXPECT_TRUE(receiver.requests().empty());
  const auto& outcome = solution->outcome();
  EXPECT_EQ(outcome.next, SolutionOutcome::Next::finished);
  EXPECT_EQ(outcome.result, "failure");
  EXPECT_EQ(outcome.failure_type, "invalid_condition");
  EXPECT_EQ(outcome.comment, R"(headers line 2: expected "Name: value")");
  EXPECT_EQ(plugin.log().find("s3cret"), std::string::npos) << plugin.log();
}

TEST_F(Webhook, AnInvalidHeaderNameFailsTheTaskWithoutARequest) {
  auto solution = started(condition("/x"), R"({"headers": "X Bad: 1"})");
  ASSERT_TRUE(solution);
  EXPECT_TRUE(receiver.requests().empty());
  EXPECT_EQ(solution->outcome().failure_type, "invalid_condition");
  EXPECT_EQ(solution->outcome().comment.rfind("headers line 1: ", 0), 0u)
      << solution->outcome().comment;
}

TEST_F(Webhook, AMalformedBodyTemplateFailsTheTaskWithoutARequest) {
  auto solution = started(condition("/x", R"("body": "{\n \"t\": \"{{#task}}\"\n}")"));
  ASSERT_TRUE(solution);
  EXPECT_TRUE(receiver.requests().empty());
  EXPECT_EQ(solution->outcome().result, "failure");
  EXPECT_EQ(solution->outcome().failure_type, "invalid_condition");
  EXPECT_EQ(solution->outcome().comment, R"(body: line 2: Unclosed section "task")");
}

TEST_F(Webhook, RetriesOutsideZeroToTenFailTheTaskWithoutARequest) {
  auto solution = started(condition("/x", R"("retries": 11)"));
  ASSERT_TRUE(solution);
  EXPECT_TRUE(receiver.requests().empty());
  EXPECT_EQ(solution->outcome().failure_type, "invalid_condition");
  EXPECT_EQ(solution->outcome().comment, "retries must be between 0 and 10");
}

TEST_F(Webhook, TheManifestFillsDefaultsAndRefusesAnotherMethodOrAMissingUrl) {
  ASSERT_TRUE(plugin.record());
  const auto& schema = plugin.record()->manifest->schema;
  auto refused = schema.apply(*parse_object(R"({"method": "DELETE", "retries": "many"})"));
  EXPECT_TRUE(refused.errors.count("url"));
  EXPECT_TRUE(refused.errors.count("method"));
  EXPECT_TRUE(refused.errors.count("retries"));

  auto filled = schema.apply(*parse_object(R"({"url": "https://example.com/hook"})"));
  ASSERT_TRUE(filled.ok());
  EXPECT_EQ(filled.values->getValue<std::string>("method"), "POST");
  EXPECT_EQ(filled.values->getValue<int>("retries"), 3);
}

}  // namespace
TEST_F(Webhook, TheManifestRefusesHeadersThatCannotBeSentAndKeepsThemSecret) {
  const auto& schema = plugin.record()->manifest->schema;
  for (const char* headers :
       {"Host: evil.example", "Content-Length: 5", "Transfer-Encoding: chunked", "Bad Name: x",
        "X-A: a\\rb", "X-Ok: 1\\nnot a header"}) {
    const auto errors =
        schema
            .apply(*parse_object(condition("/x", std::string(R"("headers": ")") + headers + "\"")))
            .errors;
    EXPECT_EQ(errors.count("headers"), 1u) << headers;
  }
  EXPECT_TRUE(
      schema.apply(*parse_object(condition("/x", R"("headers": "Authorization: Bearer t")"))).ok());
  EXPECT_TRUE(schema.find("headers")->is_secret());
}

}  // namespace warden::test
