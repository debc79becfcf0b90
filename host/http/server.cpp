#include "host/http/server.hpp"

#include "host/http/request_handler.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace warden::host::http {
namespace {

Poco::Timespan to_timespan(std::chrono::milliseconds duration) {
  return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(duration.count()) * 1000);
}

Poco::Net::ServerSocket bind_listen_address(const std::string& listen, int backlog) {
  Poco::Net::SocketAddress address;
  try {
    address = Poco::Net::SocketAddress(listen);
  } catch (const Poco::Exception& e) {
    throw std::runtime_error("invalid listen address \"" + listen + "\": " + e.displayText());
  }
  try {
    Poco::Net::ServerSocket socket;
    socket.bind(address, /*reuseAddress=*/true, /*reusePort=*/false);
    socket.listen(backlog);
    return socket;
  } catch (const Poco::Exception& e) {
    throw std::runtime_error("cannot listen on " + listen + ": " + e.displayText());
  }
}

}  // namespace

HttpServer::HttpServer(HttpServerOptions options, Router router)
    : options_(std::move(options)),
      context_(std::make_shared<const ServerContext>(
          ServerContext{std::move(router), ApiToken(options_.token), options_.max_body_bytes,
                        options_.metrics})) {}

HttpServer::~HttpServer() {
  stop();
}

void HttpServer::start() {
  if (server_) throw std::logic_error("the HTTP server is already running");
  const int threads = std::max(1, options_.threads);
  const int max_queued = std::max(1, options_.max_queued);
  auto socket = bind_listen_address(options_.listen, std::max(64, max_queued));

  Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(threads);
  params->setMaxQueued(max_queued);
  params->setKeepAlive(options_.keep_alive);
  params->setKeepAliveTimeout(to_timespan(options_.keep_alive_timeout));
  params->setTimeout(to_timespan(options_.io_timeout));

  port_ = socket.address().port();
  pool_ = std::make_unique<Poco::ThreadPool>(1, threads);
  server_ = std::make_unique<Poco::Net::HTTPServer>(new RequestHandlerFactory(context_), *pool_,
                                                    socket, params);
  server_->start();
  if (context_->token.empty()) {
    spdlog::warn("the API token is empty: every /api/ request will be refused");
  }
  spdlog::info("http server listening on {}", socket.address().toString());
}

void HttpServer::stop() noexcept {
  if (!server_) return;
  try {
    server_->stopAll(/*abortCurrent=*/false);
  } catch (const Poco::Exception& e) {
    spdlog::warn("http server stop: {}", e.displayText());
  }
  pool_->joinAll();
  server_.reset();
  pool_.reset();
  spdlog::info("http server on port {} stopped", port_);
  port_ = 0;
}

}  // namespace warden::host::http
