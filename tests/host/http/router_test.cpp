#include "host/http/router.hpp"

#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>

#include <gtest/gtest.h>

#include <stdexcept>

namespace warden::host::http {
namespace {

Poco::JSON::Object::Ptr parse(const std::string& text) {
  Poco::JSON::Parser parser;
  return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

Response answer_with(const std::string& text) {
  auto body = ok();
  body->set("route", text);
  return Response::json(body);
}

Request make_request(const std::string& method, const std::string& target) {
  Request request;
  request.method = method;
  request.set_target(target);
  return request;
}

std::string route_of(const Router& router, const std::string& method, const std::string& target) {
  auto request = make_request(method, target);
  const auto response = router.dispatch(request);
  if (response.status != 200) return "status " + std::to_string(response.status);
  return parse(response.body)->getValue<std::string>("route");
}

TEST(HttpRouter, MatchesSegmentsExactly) {
  Router router;
  router.add("GET", "/api/plugins", [](const Request&) { return answer_with("list"); });
  router.add("GET", "/api/plugins/{key}",
             [](const Request& request) { return answer_with("one:" + request.param("key")); });

  EXPECT_EQ(route_of(router, "GET", "/api/plugins"), "list");
  EXPECT_EQ(route_of(router, "GET", "/api/plugins/dingtalk"), "one:dingtalk");
  EXPECT_EQ(route_of(router, "GET", "/api/plugins/"), "status 404");
  EXPECT_EQ(route_of(router, "GET", "/api/plugins/a/b"), "status 404");
  EXPECT_EQ(route_of(router, "GET", "/api/pluginsx"), "status 404");
  EXPECT_EQ(route_of(router, "GET", "/api//plugins"), "status 404");
}

TEST(HttpRouter, OtherwiseTakesWhatNoRouteTakes) {
  Router router;
  router.add("GET", "/api/plugins", [](const Request&) { return answer_with("list"); });
  router.otherwise([](const Request& request) { return answer_with("other:" + request.path); });
  EXPECT_EQ(route_of(router, "GET", "/api/plugins"), "list");
  EXPECT_EQ(route_of(router, "GET", "/api/tasks"), "other:/api/tasks");
  EXPECT_EQ(route_of(router, "POST", "/api/plugins"), "other:/api/plugins");  // not a 405
}

TEST(HttpRouter, DecodesPathParametersAndQuery) {
  Router router;
  router.add("GET", "/api/items/{id}", [](const Request& request) {
    return answer_with(request.param("id") + "|" + request.query("q").value_or("-"));
  });
  EXPECT_EQ(route_of(router, "GET", "/api/items/a%2Fb%20c?q=x+y%26z&other=1"), "a/b c|x y&z");
  EXPECT_EQ(route_of(router, "GET", "/api/items/plain"), "plain|-");
}

TEST(HttpRouter, LiteralSegmentWinsOverParameter) {
  Router router;
  router.add("GET", "/api/schedules/{name}", [](const Request&) { return answer_with("param"); });
  router.add("GET", "/api/schedules/due", [](const Request&) { return answer_with("literal"); });
  EXPECT_EQ(route_of(router, "GET", "/api/schedules/due"), "literal");
  EXPECT_EQ(route_of(router, "GET", "/api/schedules/nightly"), "param");
}

TEST(HttpRouter, UnknownPathAnswers404InTheErrorShape) {
  Router router;
  auto request = make_request("GET", "/x");
  const auto response = router.dispatch(request);
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.content_type, "application/json; charset=utf-8");
  EXPECT_EQ(response.body, R"({"result":"exception","message":"no route for GET /x"})");
}

TEST(HttpRouter, OtherMethodAnswers405WithAllow) {
  Router router;
  router.add("GET", "/api/plugins/{key}", [](const Request&) { return answer_with("get"); });
  router.add("POST", "/api/plugins/reload", [](const Request&) { return answer_with("reload"); });
  router.add("DELETE", "/api/plugins/{key}", [](const Request&) { return answer_with("delete"); });

  auto request = make_request("PUT", "/api/plugins/reload");
  const auto response = router.dispatch(request);
  EXPECT_EQ(response.status, 405);
  ASSERT_EQ(response.headers.size(), 1u);
  EXPECT_EQ(response.headers[0].first, "Allow");
  EXPECT_EQ(response.headers[0].second, "GET, POST, DELETE");
  const auto body = parse(response.body);
  EXPECT_EQ(body->getValue<std::string>("result"), "exception");
  EXPECT_EQ(body->getValue<std::string>("message"),
            "method PUT is not allowed for /api/plugins/reload (allowed: GET, POST, DELETE)");
}

TEST(HttpRouter, HttpErrorAnswersItsStatusMessageAndErrors) {
  Router router;
  router.add("PUT", "/api/channels/{name}", [](const Request&) -> Response {
    throw HttpError(400, "invalid condition", {{"smtpHost", "required"}});
  });
  auto request = make_request("PUT", "/api/channels/ops");
  const auto response = router.dispatch(request);
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(
      response.body,
      R"({"result":"exception","message":"invalid condition","errors":{"smtpHost":"required"}})");
}

TEST(HttpRouter, OtherExceptionsAnswer500WithoutDetails) {
  Router router;
  router.add("GET", "/std",
             [](const Request&) -> Response { throw std::runtime_error("password=hunter2"); });
  router.add("GET", "/poco", [](const Request&) -> Response { throw Poco::IOException("disk"); });
  router.add("GET", "/int", [](const Request&) -> Response { throw 42; });
  router.add("GET", "/param",
             [](const Request& request) { return answer_with(request.param("x")); });
  for (const char* target : {"/std", "/poco", "/int", "/param"}) {
    auto request = make_request("GET", target);
    const auto response = router.dispatch(request);
    EXPECT_EQ(response.status, 500) << target;
    EXPECT_EQ(response.body, R"({"result":"exception","message":"internal error"})") << target;
  }
}

TEST(HttpRouter, MalformedPercentEncodingAnswers400) {
  Router router;
  router.add("GET", "/api/items/{id}", [](const Request&) { return answer_with("x"); });
  Request request;
  request.method = "GET";
  request.path = "/api/items/%zz";
  const auto response = router.dispatch(request);
  EXPECT_EQ(response.status, 400);
}

TEST(HttpRouter, RefusesMalformedAndDuplicateRoutes) {
  Router router;
  const Handler handler = [](const Request&) { return answer_with("x"); };
  router.add("GET", "/api/plugins/{key}", handler);
  EXPECT_THROW(router.add("GET", "/api/plugins/{name}", handler), std::invalid_argument);
  EXPECT_NO_THROW(router.add("DELETE", "/api/plugins/{key}", handler));
  EXPECT_THROW(router.add("GET", "api/plugins", handler), std::invalid_argument);
  EXPECT_THROW(router.add("GET", "/api/{a}/{a}", handler), std::invalid_argument);
  EXPECT_THROW(router.add("GET", "/api/x{y}", handler), std::invalid_argument);
  EXPECT_THROW(router.add("GET", "/api/x", Handler{}), std::invalid_argument);
  EXPECT_EQ(router.size(), 2u);
}

}  // namespace
}  // namespace warden::host::http
