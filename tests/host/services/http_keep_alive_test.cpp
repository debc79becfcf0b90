// The HTTP client keeps connections alive to a server that allows it, and sends a request again on
// a new connection when the kept one was closed by the server while idle.
#include "host/services/poco_http_client.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/ThreadPool.h>

#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <thread>

namespace warden::host {
namespace {

using namespace std::chrono_literals;

/// A keep-alive HTTP server on 127.0.0.1 that answers "ok" and remembers each request's client
/// port (one per connection).
class KeepAliveServer {
 public:
  explicit KeepAliveServer(Poco::Timespan keep_alive_timeout)
      : socket_(Poco::Net::SocketAddress("127.0.0.1", 0)), threads_(2, 16) {
    Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
    params->setKeepAlive(true);
    params->setKeepAliveTimeout(keep_alive_timeout);
    params->setMaxThreads(16);
    server_ =
        std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), threads_, socket_, params);
    server_->start();
  }
  ~KeepAliveServer() {
    server_->stopAll(true);
    threads_.joinAll();
  }

  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(socket_.address().port()) + "/hook";
  }
  std::size_t requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::size_t connections() const {
    std::lock_guard lock(mutex_);
    return ports_.size();
  }

 private:
  class Handler : public Poco::Net::HTTPRequestHandler {
   public:
    explicit Handler(KeepAliveServer& server) : server_(server) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
      std::string body;
      Poco::StreamCopier::copyToString(request.stream(), body);
      {
        std::lock_guard lock(server_.mutex_);
        ++server_.requests_;
        server_.ports_.insert(request.clientAddress().port());
      }
      response.setContentType("text/plain");
      response.setContentLength(2);
      response.send() << "ok";
    }

   private:
    KeepAliveServer& server_;
  };
  class Factory : public Poco::Net::HTTPRequestHandlerFactory {
   public:
    explicit Factory(KeepAliveServer& server) : server_(server) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
      return new Handler(server_);
    }

   private:
    KeepAliveServer& server_;
  };

  Poco::Net::ServerSocket socket_;
  Poco::ThreadPool threads_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  mutable std::mutex mutex_;
  std::size_t requests_ = 0;
  std::set<Poco::UInt16> ports_;
};

HttpRequest post(const std::string& url) {
  HttpRequest request;
  request.method = "POST";
  request.url = url;
  request.body = R"({"alert": 1})";
  return request;
}

TEST(ServicesHttpKeepAlive, RequestsToOneServerShareAConnection) {
  KeepAliveServer server(Poco::Timespan(10, 0));
  PocoHttpClient client;
  for (int i = 0; i < 20; ++i) {
    auto response = client.send(post(server.url()));
    ASSERT_TRUE(response.ok()) << response.error;
    EXPECT_EQ(response.body, "ok");
  }
  EXPECT_EQ(server.requests(), 20u);
  EXPECT_EQ(server.connections(), 1u);
}

TEST(ServicesHttpKeepAlive, AConnectionTheServerClosedWhileIdleIsReplacedOnce) {
  KeepAliveServer server(Poco::Timespan(0, 100'000));  // closes idle connections after 100 ms
  PocoHttpClient client;
  ASSERT_TRUE(client.send(post(server.url())).ok());
  std::this_thread::sleep_for(400ms);
  auto response = client.send(post(server.url()));
  ASSERT_TRUE(response.ok()) << response.error;
  EXPECT_EQ(server.requests(), 2u);  // sent once on the new connection, never twice
  EXPECT_EQ(server.connections(), 2u);
}

TEST(ServicesHttpKeepAlive, ConcurrentRequestsEachGetTheirOwnConnection) {
  KeepAliveServer server(Poco::Timespan(10, 0));
  PocoHttpClient client;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) ok += client.send(post(server.url())).ok() ? 1 : 0;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 100);
  EXPECT_EQ(server.requests(), 100u);
  EXPECT_LE(server.connections(), 8u);
}

}  // namespace
}  // namespace warden::host
