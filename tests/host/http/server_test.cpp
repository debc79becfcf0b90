#include "host/http/server.hpp"

#include "host/http/health_routes.hpp"
#include "tests/host/http/http_test_client.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace warden::host::http {
namespace {

using test::http_call;
using test::HttpCall;
using test::HttpReply;

constexpr const char* kToken = "s3cret-token";
constexpr const char* kJson = "application/json; charset=utf-8";

Router test_router() {
  Router router;
  add_health_routes(router);
  router.add("GET", "/api/ping", [](const Request&) { return Response::json(ok()); });
  router.add("POST", "/api/echo", [](const Request& request) {
    auto body = ok();
    body->set("echo", request.json());
    return Response::json(body);
  });
  router.add("POST", "/api/size", [](const Request& request) {
    auto body = ok();
    body->set("bytes", static_cast<int>(request.body.size()));
    return Response::json(body);
  });
  router.add("GET", "/api/items/{id}", [](const Request& request) {
    auto body = ok();
    body->set("id", request.param("id"));
    body->set("q", request.query("q").value_or(""));
    return Response::json(body);
  });
  router.add("GET", "/api/boom",
             [](const Request&) -> Response { throw std::runtime_error("secret detail"); });
  router.add("GET", "/api/poco_boom",
             [](const Request&) -> Response { throw Poco::IOException("disk gone"); });
  router.add("POST", "/api/invalid", [](const Request&) -> Response {
    throw HttpError(400, "invalid condition", {{"smtpHost", "required"}});
  });
  router.add("GET", "/metrics", [](const Request&) {
    return Response::text("warden_up 1\n", "text/plain; version=0.0.4");
  });
  return router;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void start(HttpServerOptions options = {}) {
    options.listen = "127.0.0.1:0";
    server_ = std::make_unique<HttpServer>(std::move(options), test_router());
    server_->start();
  }
  void SetUp() override {
    HttpServerOptions options;
    options.token = kToken;
    options.max_body_bytes = 1024;
    start(options);
  }

  std::uint16_t port() const { return server_->port(); }
  HttpReply call(HttpCall request) { return http_call(port(), request); }
  HttpReply api(std::string method, std::string target, std::string body = {}) {
    return call({method, target, body, {{"Authorization", kToken}}});
  }

  std::unique_ptr<HttpServer> server_;
};

std::string read_all(Poco::Net::StreamSocket& socket) {
  std::string text;
  char buffer[4096];
  try {
    while (true) {
      const int count = socket.receiveBytes(buffer, sizeof buffer);
      if (count <= 0) break;
      text.append(buffer, static_cast<std::size_t>(count));
    }
  } catch (const Poco::Exception&) {
  }
  return text;
}

/// Sends `text` on a new connection and reads until the server closes it (10 s at most).
std::string exchange(std::uint16_t port, const std::string& text) {
  Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", port));
  socket.setReceiveTimeout(Poco::Timespan(10, 0));
  socket.sendBytes(text.data(), static_cast<int>(text.size()));
  return read_all(socket);
}

std::string status_line(const std::string& answer) {
  return answer.substr(0, answer.find("\r\n"));
}

TEST_F(HttpServerTest, PicksAFreePort) {
  EXPECT_NE(port(), 0);
}

TEST_F(HttpServerTest, ApiWithoutTokenAnswers401) {
  const auto reply = call({"GET", "/api/ping"});
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(reply.content_type, kJson);
  EXPECT_EQ(reply.body, R"({"result":"exception","message":"unauthorized"})");
}

TEST_F(HttpServerTest, ApiWithWrongTokenAnswers401) {
  for (const char* value :
       {"wrong", "s3cret-toke", "s3cret-token-x", "Bearer wrong", "Basic s3cret-token", ""}) {
    EXPECT_EQ(call({"GET", "/api/ping", {}, {{"Authorization", value}}}).status, 401) << value;
  }
}

TEST_F(HttpServerTest, ApiWithTokenOrBearerTokenAnswers) {
  for (const std::string& value : {std::string(kToken), "Bearer " + std::string(kToken)}) {
    const auto reply = call({"GET", "/api/ping", {}, {{"Authorization", value}}});
    EXPECT_EQ(reply.status, 200) << value;
    EXPECT_EQ(reply.content_type, kJson);
    EXPECT_EQ(reply.body, R"({"result":"ok"})");
  }
}

TEST_F(HttpServerTest, TokenIsCheckedBeforeRoutingAndOnTheDecodedPath) {
  EXPECT_EQ(call({"GET", "/api/no_such_route"}).status, 401);
  EXPECT_EQ(call({"GET", "/%61pi/ping"}).status, 401);
  EXPECT_EQ(call({"GET", "/api"}).status, 401);
  EXPECT_EQ(call({"POST", "/api/echo", std::string(5000, 'x')}).status, 401);
}

TEST_F(HttpServerTest, HealthzNeedsNoToken) {
  const auto reply = call({"GET", "/healthz"});
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.content_type, kJson);
  EXPECT_EQ(reply.body, R"({"status":"ok"})");
}

TEST_F(HttpServerTest, TextResponsesKeepTheirContentType) {
  const auto reply = call({"GET", "/metrics"});
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.content_type, "text/plain; version=0.0.4");
  EXPECT_EQ(reply.body, "warden_up 1\n");
}

TEST_F(HttpServerTest, UnknownRouteAnswers404) {
  const auto reply = api("GET", "/api/nope?x=1");
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(reply.content_type, kJson);
  EXPECT_EQ(reply.body, R"({"result":"exception","message":"no route for GET /api/nope"})");
  EXPECT_EQ(call({"GET", "/x"}).body, R"({"result":"exception","message":"no route for GET /x"})");
}

TEST_F(HttpServerTest, OtherMethodAnswers405WithAllow) {
  auto reply = api("DELETE", "/api/ping");
  EXPECT_EQ(reply.status, 405);
  EXPECT_EQ(reply.headers["Allow"], "GET");
  EXPECT_EQ(reply.content_type, kJson);
  EXPECT_EQ(reply.message(), "method DELETE is not allowed for /api/ping (allowed: GET)");
}

TEST_F(HttpServerTest, PathAndQueryParametersReachTheHandler) {
  const auto reply = api("GET", "/api/items/a%2Fb?q=x+y");
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, R"({"result":"ok","id":"a/b","q":"x y"})");
}

TEST_F(HttpServerTest, JsonBodyIsParsed) {
  const auto reply = api("POST", "/api/echo", R"({"name": "ops", "n": 3})");
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.json()->getObject("echo")->getValue<std::string>("name"), "ops");
}

TEST_F(HttpServerTest, MalformedJsonAnswers400WithTheReason) {
  auto reply = api("POST", "/api/echo", "{\"name\": \"ops\",\n  oops}");
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.content_type, kJson);
  EXPECT_EQ(reply.json()->getValue<std::string>("result"), "exception");
  EXPECT_EQ(reply.message(),
            "request body is not valid JSON: unexpected byte 'o' in value at line 2, column 3");

  reply = api("POST", "/api/echo", "[1]");
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.message(), "request body must be a JSON object");

  reply = api("POST", "/api/echo", "");
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.message(), "request body is not valid JSON: the body is empty");
}

TEST_F(HttpServerTest, HttpErrorCarriesFieldErrors) {
  const auto reply = api("POST", "/api/invalid", "{}");
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(
      reply.body,
      R"({"result":"exception","message":"invalid condition","errors":{"smtpHost":"required"}})");
}

TEST_F(HttpServerTest, HandlerExceptionAnswers500AndTheServerGoesOn) {
  Poco::Net::HTTPClientSession session("127.0.0.1", port());
  const HttpCall boom{"GET", "/api/boom", {}, {{"Authorization", kToken}}};
  const HttpCall poco_boom{"GET", "/api/poco_boom", {}, {{"Authorization", kToken}}};
  const HttpCall ping{"GET", "/api/ping", {}, {{"Authorization", kToken}}};

  auto reply = test::send_call(session, boom);
  EXPECT_EQ(reply.status, 500);
  EXPECT_EQ(reply.body, R"({"result":"exception","message":"internal error"})");
  EXPECT_EQ(test::send_call(session, ping).status, 200);
  EXPECT_EQ(test::send_call(session, poco_boom).status, 500);
  EXPECT_EQ(test::send_call(session, ping).status, 200);
  EXPECT_EQ(call(ping).status, 200);
}

TEST_F(HttpServerTest, KeepsConnectionsAlive) {
  Poco::Net::HTTPClientSession session("127.0.0.1", port());
  const HttpCall echo{"POST", "/api/echo", R"({"a": 1})", {{"Authorization", kToken}}};
  for (int i = 0; i < 3; ++i) {
    auto reply = test::send_call(session, echo);
    EXPECT_EQ(reply.status, 200);
    EXPECT_NE(reply.headers["Connection"], "close");
  }
}

TEST_F(HttpServerTest, BodyUpToTheLimitIsAccepted) {
  auto reply = api("POST", "/api/size", std::string(1024, 'x'));
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.json()->getValue<int>("bytes"), 1024);

  reply = call({"POST", "/api/size", std::string(1000, 'x'), {{"Authorization", kToken}}, true});
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.json()->getValue<int>("bytes"), 1000);
}

TEST_F(HttpServerTest, ContentLengthOverTheLimitAnswers413WithoutReadingTheBody) {
  Poco::Net::HTTPClientSession session("127.0.0.1", port());
  session.setTimeout(Poco::Timespan(10, 0));
  Poco::Net::HTTPRequest request("POST", "/api/size", Poco::Net::HTTPMessage::HTTP_1_1);
  request.set("Authorization", kToken);
  request.setContentLength64(100LL * 1024 * 1024);
  session.sendRequest(request);  // the body is never sent: the answer must not wait for it

  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  std::string body(std::istreambuf_iterator<char>(in), {});
  EXPECT_EQ(response.getStatus(), 413);
  EXPECT_EQ(response.getContentType(), kJson);
  EXPECT_EQ(body,
            R"({"result":"exception","message":"request body too large: limit is 1024 bytes"})");
  EXPECT_FALSE(response.getKeepAlive());
}

TEST_F(HttpServerTest, SentBodyOverTheLimitAnswers413) {
  const auto reply = api("POST", "/api/size", std::string(4096, 'x'));
  EXPECT_EQ(reply.status, 413);
  EXPECT_EQ(reply.message(), "request body too large: limit is 1024 bytes");
}

TEST_F(HttpServerTest, ChunkedBodyOverTheLimitAnswers413) {
  const auto reply =
      call({"POST", "/api/size", std::string(64 * 1024, 'x'), {{"Authorization", kToken}}, true});
  EXPECT_EQ(reply.status, 413);
  EXPECT_EQ(reply.content_type, kJson);
  EXPECT_EQ(reply.message(), "request body too large: limit is 1024 bytes");
  EXPECT_EQ(api("GET", "/api/ping").status, 200);
}

TEST_F(HttpServerTest, ExpectContinueOverTheLimitIsRefusedBeforeTheBody) {
  Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", port()));
  socket.setReceiveTimeout(Poco::Timespan(5, 0));
  const std::string head = std::string("POST /api/size HTTP/1.1\r\nHost: x\r\nAuthorization: ") +
                           kToken + "\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n";
  socket.sendBytes(head.data(), static_cast<int>(head.size()));
  const auto answer = read_all(socket);
  EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer;
}

TEST_F(HttpServerTest, AmbiguousFramingIsRefused) {
  Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", port()));
  socket.setReceiveTimeout(Poco::Timespan(5, 0));
  const std::string head = "POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n";
  socket.sendBytes(head.data(), static_cast<int>(head.size()));
  EXPECT_EQ(read_all(socket).rfind("HTTP/1.1 501", 0), 0u);

  Poco::Net::StreamSocket both(Poco::Net::SocketAddress("127.0.0.1", port()));
  both.setReceiveTimeout(Poco::Timespan(5, 0));
  const std::string smuggle =
      "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
      "0\r\n\r\n";
  both.sendBytes(smuggle.data(), static_cast<int>(smuggle.size()));
  EXPECT_EQ(read_all(both).rfind("HTTP/1.1 400", 0), 0u);
}

TEST_F(HttpServerTest, ConflictingContentLengthsAnswer400) {
  const std::string head =
      std::string("POST /api/size HTTP/1.1\r\nHost: x\r\nAuthorization: ") + kToken + "\r\n";
  auto answer = exchange(port(), head + "Content-Length: 3\r\nContent-Length: 5\r\n\r\nabcde");
  EXPECT_EQ(status_line(answer), "HTTP/1.1 400 Bad Request") << answer;
  EXPECT_NE(answer.find(R"({"result":"exception","message":"conflicting Content-Length headers"})"),
            std::string::npos)
      << answer;
  EXPECT_NE(answer.find("Connection: Close"), std::string::npos) << answer;

  // The same value twice frames the body one way only.
  answer = exchange(port(), head +
                                "Content-Length: 3\r\nContent-Length: 3\r\nConnection: "
                                "close\r\n\r\nabc");
  EXPECT_EQ(status_line(answer), "HTTP/1.1 200 OK") << answer;
}

TEST_F(HttpServerTest, ContentLengthThatIsNotDigitsAnswers400) {
  const std::string head = std::string("POST /api/size HTTP/1.1\r\nHost: x\r\nAuthorization: ") +
                           kToken + "\r\nContent-Length: ";
  for (const std::string value :
       {"abc", "-5", "+5", "5 5", "0x10", "5,5", "99999999999999999999"}) {
    const auto answer = exchange(port(), head + value + "\r\n\r\nhello");
    EXPECT_EQ(status_line(answer), "HTTP/1.1 400 Bad Request") << value << ": " << answer;
    EXPECT_NE(answer.find("invalid Content-Length"), std::string::npos) << value << ": " << answer;
  }
  EXPECT_EQ(call({"GET", "/healthz"}).status, 200);
}

TEST_F(HttpServerTest, ContentLengthBesideTransferEncodingAnswers400) {
  const auto answer = exchange(port(), std::string("POST /api/size HTTP/1.1\r\nHost: x\r\n") +
                                           "Authorization: " + kToken +
                                           "\r\nTransfer-Encoding: chunked\r\n"
                                           "Content-Length: 4\r\n\r\n0\r\n\r\n");
  EXPECT_EQ(status_line(answer), "HTTP/1.1 400 Bad Request") << answer;
  EXPECT_NE(answer.find("must not have both Content-Length and Transfer-Encoding"),
            std::string::npos);
}

TEST_F(HttpServerTest, OnlyOneChunkedCodingIsAccepted) {
  const std::string head =
      std::string("POST /api/size HTTP/1.1\r\nHost: x\r\nAuthorization: ") + kToken + "\r\n";
  for (const std::string codings :
       {"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
        "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n",
        "Transfer-Encoding: gzip, chunked\r\n", "Transfer-Encoding: identity\r\n"}) {
    const auto answer = exchange(port(), head + codings + "\r\n0\r\n\r\n");
    EXPECT_EQ(status_line(answer), "HTTP/1.1 501 Not Implemented") << codings << answer;
  }
}

TEST_F(HttpServerTest, MalformedChunkSizeAnswers400) {
  const std::string head = std::string("POST /api/size HTTP/1.1\r\nHost: x\r\nAuthorization: ") +
                           kToken + "\r\nTransfer-Encoding: chunked\r\n\r\n";
  auto answer = exchange(port(), head + "zz\r\nxx\r\n0\r\n\r\n");
  EXPECT_EQ(status_line(answer), "HTTP/1.1 400 Bad Request") << answer;
  EXPECT_NE(answer.find(R"(malformed chunked request body: invalid chunk size \"zz\")"),
            std::string::npos)
      << answer;
  for (const std::string body :
       {"5\r\nhelloXX\r\n0\r\n\r\n", "5\nhello\n0\n\n", "-1\r\nx\r\n0\r\n\r\n", "5\r\nhel"}) {
    Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", port()));
    socket.setReceiveTimeout(Poco::Timespan(10, 0));
    const auto text = head + body;
    socket.sendBytes(text.data(), static_cast<int>(text.size()));
    socket.shutdownSend();  // a body cut short ends here
    answer = read_all(socket);
    EXPECT_EQ(status_line(answer), "HTTP/1.1 400 Bad Request") << body << ": " << answer;
  }
}

TEST_F(HttpServerTest, StrictChunkedBodyIsReadWhole) {
  const auto answer = exchange(
      port(), std::string("POST /api/size HTTP/1.1\r\nHost: x\r\nAuthorization: ") + kToken +
                  "\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "5;ext=1\r\nhello\r\n3\r\nabc\r\n0\r\nX-Trailer: t\r\n\r\n");
  EXPECT_EQ(status_line(answer), "HTTP/1.1 200 OK") << answer;
  EXPECT_NE(answer.find(R"("bytes":8)"), std::string::npos) << answer;
  // The raw stream may have read past the body: the connection closes after the answer.
  EXPECT_NE(answer.find("Connection: Close"), std::string::npos) << answer;
}

TEST_F(HttpServerTest, NoBodyIsReadOutsideTheApi) {
  // The body never comes: the answer must not wait for it (no route outside /api/ takes one).
  Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", port()));
  socket.setReceiveTimeout(Poco::Timespan(30, 0));
  const std::string head = "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n";
  socket.sendBytes(head.data(), static_cast<int>(head.size()));
  const auto answer = read_all(socket);
  EXPECT_EQ(status_line(answer), "HTTP/1.1 405 Method Not Allowed") << answer;
  EXPECT_NE(answer.find("Connection: Close"), std::string::npos) << answer;
}

TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  const std::string one = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string two = std::string("POST /api/size HTTP/1.1\r\nHost: x\r\nAuthorization: ") +
                          kToken + "\r\nContent-Length: 2\r\nConnection: close\r\n\r\nab";
  const auto answer = exchange(port(), one + one + two);
  const auto first = answer.find("HTTP/1.1 200");
  const auto second = answer.find("HTTP/1.1 200", first + 1);
  const auto third = answer.find("HTTP/1.1 200", second + 1);
  EXPECT_NE(third, std::string::npos) << answer;
  EXPECT_NE(answer.find(R"("bytes":2)", third), std::string::npos) << answer;
}

TEST_F(HttpServerTest, MalformedRequestsNeverStopTheServer) {
  const std::vector<std::string> garbage = {
      "BLAH\r\n\r\n",
      "GET\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
      "POST /healthz HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nxx\r\n",
      "GET " + std::string(20000, 'a') + " HTTP/1.1\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nX: " + std::string(20000, 'a') + "\r\n\r\n",
      std::string("\0\x01\x02\xff\r\n\r\n", 8),
  };
  for (const auto& text : garbage) {
    Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", port()));
    socket.setReceiveTimeout(Poco::Timespan(5, 0));
    try {
      socket.sendBytes(text.data(), static_cast<int>(text.size()));
      socket.shutdownSend();
    } catch (const Poco::Exception&) {
      // the server may already have closed on an early part of it
    }
    const auto answer = read_all(socket);
    EXPECT_EQ(answer.find("HTTP/1.1 200"), std::string::npos) << text.substr(0, 60);
    EXPECT_EQ(call({"GET", "/healthz"}).status, 200) << text.substr(0, 60);
  }
}

TEST_F(HttpServerTest, LogsEachRequestWithoutHeadersOrBodies) {
  std::ostringstream log;
  auto previous = spdlog::default_logger();
  auto capture = std::make_shared<spdlog::logger>(
      "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(log));
  capture->set_level(spdlog::level::debug);
  spdlog::set_default_logger(capture);
  const auto reply = api("POST", "/api/echo?q=private", R"({"password": "hunter2"})");
  server_->stop();  // the line is written after the answer: wait for the handler to finish
  spdlog::set_default_logger(previous);

  EXPECT_EQ(reply.status, 200);
  EXPECT_NE(log.str().find("POST /api/echo 200"), std::string::npos) << log.str();
  EXPECT_EQ(log.str().find(kToken), std::string::npos);
  EXPECT_EQ(log.str().find("hunter2"), std::string::npos);
  EXPECT_EQ(log.str().find("private"), std::string::npos);
}

/// A server with short limits: one thread, one queued request.
class HttpServerLimits : public ::testing::Test {
 protected:
  void SetUp() override {
    HttpServerOptions options;
    options.listen = "127.0.0.1:0";
    options.token = kToken;
    options.threads = 1;
    options.max_queued = 1;
    options.header_timeout = std::chrono::milliseconds(1500);
    options.body_timeout = std::chrono::milliseconds(1500);
    options.idle_timeout = std::chrono::milliseconds(1500);
    customize(options);
    server_ = std::make_unique<HttpServer>(options, test_router());
    server_->start();
  }
  virtual void customize(HttpServerOptions&) {}

  std::unique_ptr<Poco::Net::StreamSocket> connect() {
    auto socket = std::make_unique<Poco::Net::StreamSocket>(
        Poco::Net::SocketAddress("127.0.0.1", server_->port()));
    socket->setReceiveTimeout(Poco::Timespan(30, 0));
    return socket;
  }
  /// Waits (30 s at most) for the server to close `socket`; how long it took.
  static std::chrono::milliseconds until_closed(Poco::Net::StreamSocket& socket) {
    const auto started = std::chrono::steady_clock::now();
    read_all(socket);
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 started);
  }
  int healthz() { return http_call(server_->port(), {"GET", "/healthz"}).status; }

  std::unique_ptr<HttpServer> server_;
};

void send_text(Poco::Net::StreamSocket& socket, const std::string& text) {
  socket.sendBytes(text.data(), static_cast<int>(text.size()));
}

TEST_F(HttpServerLimits, SilentAndSlowConnectionsHoldNoThread) {
  std::vector<std::unique_ptr<Poco::Net::StreamSocket>> slow;
  for (int i = 0; i < 40; ++i) {
    slow.push_back(connect());
    if (i % 2 == 1) send_text(*slow.back(), "GET /healthz HTTP/1.1\r\nHo");
  }
  // One thread, and all those connections open: a whole request is still answered.
  for (int i = 0; i < 5; ++i) EXPECT_EQ(healthz(), 200);
  for (auto& socket : slow) until_closed(*socket);
  EXPECT_EQ(healthz(), 200);
}

TEST_F(HttpServerLimits, TrickledHeaderIsCutAtTheHeaderDeadline) {
  auto socket = connect();
  const std::string request =
      "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Long: " + std::string(200, 'a') + "\r\n\r\n";
  const auto started = std::chrono::steady_clock::now();
  std::size_t sent = 0;
  try {
    // A byte every 50 ms would take 12 s; each byte restarts any per-receive timeout.
    for (; sent < request.size(); ++sent) {
      socket->sendBytes(&request[sent], 1);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  } catch (const Poco::Exception&) {
    // cut
  }
  until_closed(*socket);
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_LT(sent, request.size());
  EXPECT_GE(took, std::chrono::milliseconds(1400));
  EXPECT_LT(took, std::chrono::seconds(11));
  EXPECT_EQ(healthz(), 200);
}

TEST_F(HttpServerLimits, TrickledBodyIsCutAtTheBodyDeadline) {
  auto socket = connect();
  send_text(*socket, std::string("POST /api/size HTTP/1.1\r\nHost: x\r\nAuthorization: ") + kToken +
                         "\r\nContent-Length: 200\r\n\r\n");
  const auto started = std::chrono::steady_clock::now();
  std::string answer;
  try {
    for (int i = 0; i < 200; ++i) {
      send_text(*socket, "a");
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  } catch (const Poco::Exception&) {
    // cut
  }
  until_closed(*socket);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(9));
  EXPECT_EQ(healthz(), 200);
}

TEST_F(HttpServerLimits, IdleKeptAliveConnectionHoldsNoThreadAndIsClosed) {
  Poco::Net::HTTPClientSession kept("127.0.0.1", server_->port());
  EXPECT_EQ(test::send_call(kept, {"GET", "/healthz"}).status, 200);
  // The only thread is free for others while the connection waits for its next request.
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(healthz(), 200);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(1400));
  EXPECT_EQ(test::send_call(kept, {"GET", "/healthz"}).status, 200);  // still usable

  auto idle = connect();
  send_text(*idle, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto took = until_closed(*idle);  // the answer, then closed when idle too long
  EXPECT_GE(took, std::chrono::milliseconds(1400));
  EXPECT_LT(took, std::chrono::seconds(11));
}

class HttpServerBusy : public HttpServerLimits {
 protected:
  void customize(HttpServerOptions& options) override {
    options.body_timeout = std::chrono::seconds(60);
  }
};

TEST_F(HttpServerBusy, FullQueueAnswers503AtOnce) {
  // A body that never comes holds the only thread; a second such request waits in the queue.
  const std::string stalled = std::string("POST /api/size HTTP/1.1\r\nHost: x\r\nAuthorization: ") +
                              kToken + "\r\nContent-Length: 10\r\n\r\n";
  auto holder = connect();
  send_text(*holder, stalled);
  auto queued = connect();
  send_text(*queued, stalled);

  std::string answer;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (answer.find("503") == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    answer = exchange(server_->port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  }
  EXPECT_EQ(status_line(answer), "HTTP/1.1 503 Service Unavailable") << answer;
  EXPECT_NE(
      answer.find(R"({"result":"exception","message":"the server is busy: try again shortly"})"),
      std::string::npos)
      << answer;
  EXPECT_NE(answer.find("Retry-After: 1"), std::string::npos) << answer;

  holder.reset();  // their bodies end: the thread is free again
  queued.reset();
  int status = 0;
  for (int i = 0; i < 100 && status != 200; ++i) {
    status = healthz();
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(status, 200);
}

TEST(HttpServerAuth, EmptyTokenRefusesEveryApiRequest) {
  HttpServerOptions options;
  options.listen = "127.0.0.1:0";
  HttpServer server(options, test_router());
  server.start();
  EXPECT_EQ(http_call(server.port(), {"GET", "/api/ping"}).status, 401);
  EXPECT_EQ(http_call(server.port(), {"GET", "/api/ping", {}, {{"Authorization", ""}}}).status,
            401);
  EXPECT_EQ(
      http_call(server.port(), {"GET", "/api/ping", {}, {{"Authorization", "Bearer "}}}).status,
      401);
  EXPECT_EQ(http_call(server.port(), {"GET", "/healthz"}).status, 200);
}

TEST(HttpServerLifecycle, StartStopAndRestart) {
  HttpServerOptions options;
  options.listen = "127.0.0.1:0";
  HttpServer server(options, test_router());
  EXPECT_FALSE(server.running());
  EXPECT_EQ(server.port(), 0);
  server.start();
  EXPECT_TRUE(server.running());
  EXPECT_THROW(server.start(), std::logic_error);
  const auto port = server.port();
  EXPECT_EQ(http_call(port, {"GET", "/healthz"}).status, 200);

  // An idle keep-alive connection must not hold the stop up.
  Poco::Net::HTTPClientSession idle("127.0.0.1", port);
  EXPECT_EQ(test::send_call(idle, {"GET", "/healthz"}).status, 200);
  const auto started = std::chrono::steady_clock::now();
  server.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
  EXPECT_FALSE(server.running());
  EXPECT_THROW(http_call(port, {"GET", "/healthz"}), Poco::Net::NetException);
  server.stop();

  server.start();
  EXPECT_EQ(http_call(server.port(), {"GET", "/healthz"}).status, 200);
}

TEST(HttpServerLifecycle, RefusesBadListenAddresses) {
  HttpServerOptions bad;
  bad.listen = "not an address";
  HttpServer server(bad, Router{});
  EXPECT_THROW(server.start(), std::runtime_error);

  HttpServerOptions first;
  first.listen = "127.0.0.1:0";
  HttpServer holder(first, Router{});
  holder.start();
  HttpServerOptions busy;
  busy.listen = "127.0.0.1:" + std::to_string(holder.port());
  HttpServer second(busy, Router{});
  EXPECT_THROW(second.start(), std::runtime_error);
}

TEST(HttpServerLoad, ServesConcurrentClients) {
  HttpServerOptions options;
  options.listen = "127.0.0.1:0";
  options.token = kToken;
  options.threads = 4;
  HttpServer server(options, test_router());
  server.start();

  std::atomic<int> answered{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([&] {
      Poco::Net::HTTPClientSession session("127.0.0.1", server.port());
      for (int i = 0; i < 20; ++i) {
        const auto reply = test::send_call(
            session, {"POST", "/api/echo", R"({"i": 1})", {{"Authorization", kToken}}});
        if (reply.status == 200) ++answered;
      }
    });
  }
  for (auto& client : clients) client.join();
  EXPECT_EQ(answered.load(), 160);
}

}  // namespace
}  // namespace warden::host::http
