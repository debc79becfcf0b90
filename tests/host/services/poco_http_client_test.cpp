#include "host/services/poco_http_client.hpp"

#include "tests/support/http_receiver.hpp"
#include "tests/support/temp_dir.hpp"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include <gtest/gtest.h>

#include <thread>

namespace warden::host {
namespace {

using test::CannedResponse;
using test::HttpReceiver;
using namespace std::chrono_literals;

HttpRequest get(std::string url) {
  HttpRequest request;
  request.url = std::move(url);
  return request;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(ServicesPocoHttpClient, GetsStatusHeadersAndBody) {
  HttpReceiver receiver;
  receiver.respond("/status", {.body = R"({"up": true})",
                               .content_type = "application/json",
                               .headers = {{"X-Answer", "42"}}});
  PocoHttpClient client;

  HttpRequest request;
  request.url = receiver.url("/status?verbose=1");
  request.headers = {{"Accept", "application/json"}, {"X-Trace", "abc"}};
  HttpResponse response = client.send(request);

  ASSERT_TRUE(response.ok()) << response.error;
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.reason, "OK");
  EXPECT_EQ(response.body, R"({"up": true})");
  EXPECT_EQ(response.header("content-type"), "application/json");
  EXPECT_EQ(response.header("X-ANSWER"), "42");

  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& got = requests[0];
  EXPECT_EQ(got.method, "GET");
  EXPECT_EQ(got.uri, "/status?verbose=1");
  EXPECT_EQ(got.path, "/status");
  EXPECT_EQ(got.header("Accept"), "application/json");
  EXPECT_EQ(got.header("X-Trace"), "abc");
  EXPECT_EQ(got.header("Host"), "127.0.0.1:" + std::to_string(receiver.port()));
  EXPECT_EQ(got.header("User-Agent"), "warden/" WARDEN_VERSION);
  EXPECT_TRUE(got.body.empty());
}

TEST(ServicesPocoHttpClient, PostsAndPutsABody) {
  HttpReceiver receiver;
  PocoHttpClient client;
  for (const std::string method : {"POST", "PUT"}) {
    HttpRequest request;
    request.method = method;
    request.url = receiver.url("/hook");
    request.headers = {{"Content-Type", "application/json"}};
    request.body = R"({"title": "disk full"})";
    HttpResponse response = client.send(request);
    ASSERT_TRUE(response.ok()) << response.error;
  }
  auto got = receiver.requests();
  ASSERT_EQ(got.size(), 2u);
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].method, i == 0 ? "POST" : "PUT");
    EXPECT_EQ(got[i].header("Content-Type"), "application/json");
    EXPECT_EQ(got[i].header("Content-Length"), "22");
    EXPECT_EQ(got[i].body, R"({"title": "disk full"})");
  }
}

TEST(ServicesPocoHttpClient, AnErrorStatusIsAnAnswerNotAnError) {
  HttpReceiver receiver;
  receiver.respond_to_others(
      {.status = 503, .body = "try later", .headers = {{"Retry-After", "30"}}});
  HttpResponse response = PocoHttpClient().send(get(receiver.url("/x")));
  EXPECT_TRUE(response.error.empty()) << response.error;
  EXPECT_FALSE(response.ok());
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(response.body, "try later");
  EXPECT_EQ(response.header("Retry-After"), "30");
}

TEST(ServicesPocoHttpClient, HeadAndNoContentAnswersHaveNoBody) {
  HttpReceiver receiver;
  receiver.respond("/gone", {.status = 204, .body = ""});
  PocoHttpClient client;
  HttpRequest head = get(receiver.url("/page"));
  head.method = "HEAD";
  HttpResponse response = client.send(head);
  EXPECT_TRUE(response.ok()) << response.error;
  EXPECT_EQ(response.header("Content-Length"), "2");
  EXPECT_TRUE(response.body.empty());
  response = client.send(get(receiver.url("/gone")));
  EXPECT_TRUE(response.ok()) << response.error;
  EXPECT_EQ(response.status, 204);
}

TEST(ServicesPocoHttpClient, ABodyCutShortIsAnError) {
  // A raw server announcing 100 bytes, sending 5, then closing.
  Poco::Net::ServerSocket server(Poco::Net::SocketAddress("127.0.0.1", 0));
  std::thread answer([&] {
    Poco::Net::StreamSocket peer = server.acceptConnection();
    char buffer[4096];
    peer.receiveBytes(buffer, sizeof buffer);
    const std::string reply = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort";
    peer.sendBytes(reply.data(), static_cast<int>(reply.size()));
    peer.shutdown();
    peer.close();
  });
  const std::string where = "127.0.0.1:" + std::to_string(server.address().port());
  HttpResponse response = PocoHttpClient().send(get("http://" + where + "/"));
  answer.join();
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.error, where + " closed the connection after 5 of 100 body bytes");
}

TEST(ServicesPocoHttpClient, ConnectionRefusedNamesTheServer) {
  Poco::UInt16 closed_port;
  {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    closed_port = socket.address().port();
  }
  HttpRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(closed_port) + "/secret?token=abc";
  HttpResponse response = PocoHttpClient().send(request);
  EXPECT_EQ(response.status, 0);
  EXPECT_EQ(response.error, "connection refused by 127.0.0.1:" + std::to_string(closed_port));
}

TEST(ServicesPocoHttpClient, TimesOutOnAListenerThatNeverAnswers) {
  // Connections complete in the kernel's backlog; nobody ever reads or answers.
  Poco::Net::ServerSocket silent(Poco::Net::SocketAddress("127.0.0.1", 0));
  const std::string where = "127.0.0.1:" + std::to_string(silent.address().port());
  HttpRequest request;
  request.url = "http://" + where + "/";
  request.timeout = 300ms;
  const auto started = std::chrono::steady_clock::now();
  HttpResponse response = PocoHttpClient().send(request);
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(response.status, 0);
  EXPECT_EQ(response.error, "timed out after 300 ms waiting for " + where);
  EXPECT_GE(took, 250ms);
  EXPECT_LT(took, 5s);
}

TEST(ServicesPocoHttpClient, TimesOutOnASlowAnswer) {
  HttpReceiver receiver;
  receiver.respond("/slow", {.body = "late", .delay = 3s});
  HttpRequest request;
  request.url = receiver.url("/slow");
  request.timeout = 200ms;
  HttpResponse response = PocoHttpClient().send(request);
  EXPECT_TRUE(contains(response.error, "timed out after 200 ms")) << response.error;
}

TEST(ServicesPocoHttpClient, AcceptsABodyOfExactly8MiB) {
  HttpReceiver receiver;
  receiver.respond("/big", {.body = std::string(kMaxResponseBodyBytes, 'x')});
  HttpResponse response = PocoHttpClient().send(get(receiver.url("/big")));
  ASSERT_TRUE(response.ok()) << response.error;
  EXPECT_EQ(response.body.size(), kMaxResponseBodyBytes);
}

TEST(ServicesPocoHttpClient, RefusesABodyOverThe8MiBCap) {
  HttpReceiver receiver;
  receiver.respond("/huge", {.body = std::string(kMaxResponseBodyBytes + 1, 'x')});
  HttpResponse response = PocoHttpClient().send(get(receiver.url("/huge")));
  EXPECT_FALSE(response.ok());
  EXPECT_EQ(response.error, "response body exceeds 8 MiB");
  EXPECT_EQ(response.status, 200);
  EXPECT_TRUE(response.body.empty());
}

TEST(ServicesPocoHttpClient, RefusesUrlsItCannotUse) {
  PocoHttpClient client;
  EXPECT_EQ(client.send(get("ftp://example.com/file")).error,
            "unsupported URL scheme \"ftp\" (use http or https)");
  EXPECT_EQ(client.send(get("example.com/path")).error,
            "invalid URL: no scheme (use http:// or https://)");
  EXPECT_EQ(client.send(get("http:///path")).error, "invalid URL: no host");
  EXPECT_TRUE(contains(client.send(get("http://[::1")).error, "invalid URL"));
}

TEST(ServicesPocoHttpClient, RefusesHeaderInjection) {
  HttpReceiver receiver;
  PocoHttpClient client;
  HttpRequest request;
  request.url = receiver.url("/");
  request.headers = {{"X-Evil", "a\r\nInjected: yes"}};
  EXPECT_EQ(client.send(request).error,
            "invalid value of header X-Evil (a line break or control character)");
  request.headers = {{"X-Evil", std::string("a\0b", 3)}};
  EXPECT_TRUE(contains(client.send(request).error, "invalid value of header X-Evil"));
  request.headers = {{"Bad Name", "x"}};
  EXPECT_EQ(client.send(request).error, "invalid header name \"Bad Name\"");
  request.headers = {};
  request.method = "GET / HTTP/1.1\r\n";
  EXPECT_TRUE(contains(client.send(request).error, "invalid HTTP method"));
  EXPECT_TRUE(receiver.requests().empty());
}

TEST(ServicesPocoHttpClient, RefusesFramingHeadersSetByTheCaller) {
  // One set beside the client's own would frame the request twice (Content-Length and chunked).
  HttpReceiver receiver;
  PocoHttpClient client;
  HttpRequest request;
  request.method = "POST";
  request.url = receiver.url("/");
  request.body = "{}";
  for (const char* name :
       {"Host", "content-length", "Transfer-Encoding", "Connection", "TE", "UPGRADE"}) {
    request.headers = {{"X-Fine", "1"}, {name, "x"}};
    EXPECT_EQ(client.send(request).error,
              std::string("header ") + name + " is the HTTP client's to set, not a plugin's");
  }
  EXPECT_TRUE(receiver.requests().empty());
  request.headers = {{"X-Hosted", "1"}, {"Content-Language", "en"}};
  EXPECT_TRUE(client.send(request).ok());
}

TEST(ServicesPocoHttpClient, UnknownHostIsAnError) {
  HttpRequest request;
  request.url = "http://no-such-host.invalid/";
  request.timeout = 2s;
  HttpResponse response = PocoHttpClient().send(request);
  EXPECT_EQ(response.status, 0);
  EXPECT_TRUE(contains(response.error, "cannot resolve host \"no-such-host.invalid\""))
      << response.error;
}

class ServicesPocoHttpsClient : public ::testing::Test {
 protected:
  test::TempDir dir;
  test::TlsFiles tls = test::make_self_signed_certificate(dir.path());
  HttpReceiver receiver{tls};
};

TEST_F(ServicesPocoHttpsClient, TrustsTheServerWhenGivenItsCa) {
  receiver.respond("/secure", {.body = "over tls"});
  PocoHttpClient client(PocoHttpClient::Options{tls.certificate.string()});
  HttpRequest request;
  request.method = "POST";
  request.url = receiver.url("/secure");
  request.body = "payload";
  HttpResponse response = client.send(request);
  ASSERT_TRUE(response.ok()) << response.error;
  EXPECT_EQ(response.body, "over tls");
  ASSERT_EQ(receiver.requests().size(), 1u);
  EXPECT_EQ(receiver.requests()[0].body, "payload");
}

TEST_F(ServicesPocoHttpsClient, RefusesAnUntrustedCertificate) {
  HttpResponse response = PocoHttpClient().send(get(receiver.url("/secure")));
  EXPECT_EQ(response.status, 0);
  const std::string where = "127.0.0.1:" + std::to_string(receiver.port());
  EXPECT_TRUE(contains(response.error, "TLS certificate of " + where + " rejected"))
      << response.error;
  EXPECT_TRUE(contains(response.error, "self-signed certificate")) << response.error;
  EXPECT_TRUE(receiver.requests().empty());
}

TEST_F(ServicesPocoHttpsClient, PlainHttpToATlsServerGetsNoAnswer) {
  std::string url = receiver.url("/secure");
  url.replace(0, 5, "http");
  HttpResponse response = PocoHttpClient().send(get(url));
  EXPECT_EQ(response.status, 0);
  EXPECT_FALSE(response.error.empty());
}

TEST(ServicesPocoHttpClient, TlsToAPlainServerIsATlsError) {
  // A plain server that answers at once, whatever it is sent (an HTTP server reading a TLS hello
  // may instead wait for a request line that never ends, and the client would time out).
  Poco::Net::ServerSocket plain(Poco::Net::SocketAddress("127.0.0.1", 0));
  std::thread server([&plain] {
    auto connection = plain.acceptConnection();
    const std::string answer = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
    connection.sendBytes(answer.data(), static_cast<int>(answer.size()));
    connection.shutdown();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  });
  const std::string where = "127.0.0.1:" + std::to_string(plain.address().port());
  HttpResponse response = PocoHttpClient().send(get("https://" + where + "/"));
  server.join();
  EXPECT_EQ(response.status, 0);
  EXPECT_TRUE(contains(response.error, "TLS error with " + where + ": ")) << response.error;
}

TEST(ServicesPocoHttpClientSetup, AnUnreadableCaFileFailsAtConstruction) {
  EXPECT_ANY_THROW(PocoHttpClient(PocoHttpClient::Options{"/nonexistent/ca.pem"}));
}

}  // namespace
}  // namespace warden::host
