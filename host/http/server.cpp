#include "host/http/server.hpp"

#include "host/http/connection_gate.hpp"
#include "host/http/connection_watchdog.hpp"
#include "host/http/request_handler.hpp"
#include "host/http/served_connection.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/Exception.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/TCPServerDispatcher.h>
#include <Poco/ThreadPool.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>
#include <string_view>
#include <utility>

#include <sys/socket.h>

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

Poco::Net::HTTPServerParams::Ptr server_params(const HttpServerOptions& options) {
  Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(std::max(1, options.threads));
  params->setMaxQueued(std::max(1, options.max_queued));
  params->setKeepAlive(options.keep_alive);
  params->setTimeout(to_timespan(options.io_timeout));
  return params;
}

/// The answer when `max_queued` whole requests already wait for a thread: written without
/// blocking the gate's thread, after reading the peeked header so that closing does not reset the
/// connection before the client reads it.
void answer_busy(Poco::Net::StreamSocket& socket, RequestMetrics* metrics) {
  const auto answer = Response::error(503, "the server is busy: try again shortly");
  const std::string text =
      "HTTP/1.1 503 Service Unavailable\r\nContent-Type: " + answer.content_type +
      "\r\nContent-Length: " + std::to_string(answer.body.size()) +
      "\r\nRetry-After: 1\r\nConnection: close\r\n\r\n" + answer.body;
  const int fd = socket.impl()->sockfd();
  char header[16 * 1024];
  [[maybe_unused]] const auto read = ::recv(fd, header, sizeof header, MSG_DONTWAIT);
  [[maybe_unused]] const auto sent =
      ::send(fd, text.data(), text.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  ::shutdown(fd, SHUT_WR);
  if (metrics) metrics->record(answer.status, 0);
}

}  // namespace

/// What exists while the server runs, built in start() and torn down in stop().
struct HttpServer::Running {
  Poco::Net::ServerSocket listener;
  std::unique_ptr<Poco::ThreadPool> pool;
  std::unique_ptr<ConnectionGate> gate;
  std::shared_ptr<ConnectionEnvironment> environment;
  Poco::AutoPtr<Poco::Net::TCPServerDispatcher> dispatcher;
};

HttpServer::HttpServer(HttpServerOptions options, Router router)
    : options_(std::move(options)),
      watchdog_(std::make_shared<ConnectionWatchdog>()),
      context_(std::make_shared<const ServerContext>(ServerContext{
          std::move(router), ApiToken(options_.token), options_.max_body_bytes, options_.metrics,
          watchdog_, options_.body_timeout, options_.session_valid})) {}

HttpServer::~HttpServer() {
  stop();
}

void HttpServer::start() {
  if (running_) throw std::logic_error("the HTTP server is already running");
  const auto params = server_params(options_);
  auto running = std::make_unique<Running>();
  running->listener = bind_listen_address(options_.listen, 1024);
  running->pool = std::make_unique<Poco::ThreadPool>(1, params->getMaxThreads());

  const auto max_queued = params->getMaxQueued();
  auto* state = running.get();
  running->gate = std::make_unique<ConnectionGate>(
      running->listener, GateLimits{options_.header_timeout, options_.idle_timeout},
      [state, max_queued, metrics = options_.metrics.get()](Poco::Net::StreamSocket& socket) {
        if (state->dispatcher->queuedConnections() >= max_queued)
          return answer_busy(socket, metrics);
        state->dispatcher->enqueue(socket);
      });
  // Braces, not make_shared: clang 14 (the fuzz build) cannot initialise an aggregate from ( ).
  running->environment = std::shared_ptr<ConnectionEnvironment>(new ConnectionEnvironment{
      params, std::make_shared<RequestHandlerFactory>(context_), *watchdog_, *running->gate,
      RequestDeadlines{options_.header_timeout, options_.body_timeout}, options_.metrics});
  running->dispatcher = new Poco::Net::TCPServerDispatcher(
      new ServedConnectionFactory(running->environment), *running->pool, params);

  watchdog_->start();
  running->gate->start();
  port_ = running->listener.address().port();
  spdlog::info("http server listening on {}", running->listener.address().toString());
  running_ = std::move(running);
  if (context_->token.empty()) {
    spdlog::warn("the API token is empty: every /api/ request will be refused");
  }
}

void HttpServer::stop() noexcept {
  if (!running_) return;
  running_->environment->stopping = true;
  running_->gate->stop();  // no new connections; the held ones close
  try {
    running_->listener.close();
  } catch (const Poco::Exception& e) {
    spdlog::warn("http server stop: {}", e.displayText());
  }
  running_->dispatcher->stop();  // requests in progress finish (bounded by the watchdog)
  running_->pool->joinAll();
  watchdog_->stop();
  running_.reset();
  spdlog::info("http server on port {} stopped", port_);
  port_ = 0;
}

}  // namespace warden::host::http
