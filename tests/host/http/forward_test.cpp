// forward: a standby's request goes on to the lease holder and its answer comes back. Two real
// servers: the holder, which echoes what it was sent, and a standby whose router forwards
// everything it has no route for.
#include "host/http/forward.hpp"

#include "host/http/server.hpp"
#include "tests/host/http/http_test_client.hpp"

#include <gtest/gtest.h>

namespace warden::host::http {
namespace {

const std::string kToken = "forward-token";

class Forward : public ::testing::Test {
 protected:
  void SetUp() override {
    Router holder;
    holder.add("POST", "/api/items/{id}", [](const Request& request) {
      auto body = object();
      body->set("id", request.param("id"));
      body->set("q", request.query("q").value_or(""));
      body->set("body", request.body);
      body->set("x", request.header("X-Custom").value_or(""));
      return Response::json(body, 201);
    });
    HttpServerOptions options;
    options.listen = "127.0.0.1:0";
    options.token = kToken;
    holder_ = std::make_unique<HttpServer>(options, std::move(holder));
    holder_->start();
    Router standby;
    standby.add("GET", "/healthz", [](const Request&) { return Response::text("standby"); });
    standby.otherwise([this](const Request& request) {
      return forward(request, address_, std::chrono::seconds(30));
    });
    address_ = "127.0.0.1:" + std::to_string(holder_->port());
    standby_ = std::make_unique<HttpServer>(options, std::move(standby));
    standby_->start();
  }

  test::HttpReply call(test::HttpCall request) {
    return test::http_call(standby_->port(), request);
  }

  std::string address_;
  std::unique_ptr<HttpServer> holder_, standby_;
};

TEST_F(Forward, AnyOtherCallIsAnsweredByTheHolderWithItsToken) {
  auto reply = call({"POST",
                     "/api/items/a%2Fb?q=x%26y",
                     R"({"n": 1})",
                     {{"Authorization", "Bearer " + kToken}, {"X-Custom", "kept"}}});
  ASSERT_EQ(reply.status, 201) << reply.body;
  auto json = reply.json();
  EXPECT_EQ(json->getValue<std::string>("id"), "a/b");
  EXPECT_EQ(json->getValue<std::string>("q"), "x&y");
  EXPECT_EQ(json->getValue<std::string>("body"), R"({"n": 1})");
  EXPECT_EQ(json->getValue<std::string>("x"), "kept");
  // The standby's own routes stay its own; a wrong token is refused by the standby itself.
  EXPECT_EQ(call({"GET", "/healthz"}).body, "standby");
  EXPECT_EQ(call({"POST", "/api/items/a", "{}", {{"Authorization", "Bearer wrong"}}}).status, 401);
}

TEST_F(Forward, AHolderThatDoesNotAnswerIsA503ToRetry) {
  holder_->stop();
  auto reply = call({"POST", "/api/items/a", "{}", {{"Authorization", "Bearer " + kToken}}});
  EXPECT_EQ(reply.status, 503) << reply.body;
  EXPECT_EQ(reply.headers["Retry-After"], "1");
  EXPECT_NE(reply.message().find("did not answer"), std::string::npos) << reply.body;
}

}  // namespace
}  // namespace warden::host::http
