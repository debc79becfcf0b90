#include "host/http/request.hpp"

#include "host/http/http_error.hpp"

#include <gtest/gtest.h>

namespace warden::host::http {
namespace {

std::string json_error(const std::string& body) {
  Request request;
  request.body = body;
  try {
    request.json();
  } catch (const HttpError& e) {
    EXPECT_EQ(e.status(), 400);
    return e.what();
  }
  return "no error";
}

TEST(HttpRequest, JsonParsesAnObject) {
  Request request;
  request.body = R"({"channel": "dingtalk", "enabled": true})";
  const auto object = request.json();
  EXPECT_EQ(object->getValue<std::string>("channel"), "dingtalk");
  EXPECT_TRUE(object->getValue<bool>("enabled"));
}

TEST(HttpRequest, JsonErrorsSayWhatAndWhere) {
  EXPECT_EQ(
      json_error(R"({"a": tru})"),
      "request body is not valid JSON: expected 'e' instead of byte '}' at line 1, column 10");
  EXPECT_EQ(json_error("{\n  \"a\": 1\n  \"b\": 2\n}"),
            "request body is not valid JSON: expected ',' or '}' after member value at line 3, "
            "column 3");
  EXPECT_EQ(json_error(R"({"a": 1)"),
            "request body is not valid JSON: expected ',' or '}' after member value at line 1, "
            "column 8");
  EXPECT_EQ(json_error("hello"),
            "request body is not valid JSON: unexpected byte 'h' in value at line 1, column 1");
  EXPECT_EQ(json_error(""), "request body is not valid JSON: the body is empty");
  EXPECT_EQ(json_error(" \n "), "request body is not valid JSON: the body is empty");
  EXPECT_EQ(json_error("[1, 2]"), "request body must be a JSON object");
  EXPECT_EQ(json_error("\"text\""), "request body must be a JSON object");
  EXPECT_EQ(json_error("null"), "request body must be a JSON object");
}

TEST(HttpRequest, JsonRefusesTrailingTextAndDeepNesting) {
  EXPECT_NE(json_error(R"({"a": 1} junk)").find("request body is not valid JSON: "),
            std::string::npos);
  const std::string deep = std::string(10000, '[') + std::string(10000, ']');
  EXPECT_NE(json_error(deep).find("request body is not valid JSON: "), std::string::npos);
}

TEST(HttpRequest, TargetSplitsPathAndDecodedQuery) {
  Request request;
  request.set_target("/api/timer_events?node_id=n%201&flag&x=a+b&node_id=n2");
  EXPECT_EQ(request.path, "/api/timer_events");
  EXPECT_EQ(request.query("node_id"), "n 1");
  EXPECT_EQ(request.query("flag"), "");
  EXPECT_EQ(request.query("x"), "a b");
  EXPECT_EQ(request.query("missing"), std::nullopt);
  EXPECT_EQ(request.query_params.size(), 4u);
}

TEST(HttpRequest, TargetRefusesWhatIsNotAPath) {
  Request request;
  EXPECT_THROW(request.set_target("http://example.com/x"), HttpError);
  EXPECT_THROW(request.set_target("*"), HttpError);
  EXPECT_THROW(request.set_target("/x?a=%zz"), HttpError);
}

TEST(HttpRequest, HeadersAreCaseInsensitive) {
  Request request;
  request.headers["Content-Type"] = "application/json";
  EXPECT_EQ(request.header("content-type"), "application/json");
  EXPECT_EQ(request.header("CONTENT-TYPE"), "application/json");
  EXPECT_EQ(request.header("Accept"), std::nullopt);
}

TEST(HttpRequest, SegmentsAreDecodedOneByOne) {
  EXPECT_EQ(decoded_segments("/a/b%2Fc/"), (std::vector<std::string>{"a", "b/c", ""}));
  EXPECT_EQ(decoded_segments("/"), (std::vector<std::string>{""}));
  EXPECT_THROW(decoded_segments("/%4"), HttpError);
}

}  // namespace
}  // namespace warden::host::http
