#pragma once

#include "host/http/connection_gate.hpp"
#include "host/http/connection_watchdog.hpp"
#include "host/http/request_metrics.hpp"

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Net/TCPServerConnectionFactory.h>

#include <atomic>
#include <chrono>
#include <memory>

namespace warden::host::http {

/// How long each phase of a request may take in all (not per receive).
struct RequestDeadlines {
  std::chrono::milliseconds header{10'000};  ///< the rest of a header the gate handed on unfinished
  std::chrono::milliseconds body{30'000};    ///< reading the body, handling, answering
};

/// What the connections of one server share; outlives them (the server joins its threads first).
struct ConnectionEnvironment {
  Poco::Net::HTTPServerParams::Ptr params;
  std::shared_ptr<Poco::Net::HTTPRequestHandlerFactory> handlers;
  ConnectionWatchdog& watchdog;
  ConnectionGate& gate;
  RequestDeadlines deadlines;
  std::shared_ptr<RequestMetrics> metrics;  ///< may be null
  std::atomic<bool> stopping{false};
};

/// Serves the requests of one connection on a server thread, in place of Poco's
/// HTTPServerConnection: every phase runs under the watchdog's deadline, a request Poco cannot
/// frame gets a JSON 400, and between requests a kept-alive connection goes back to the gate
/// instead of holding the thread.
class ServedConnection : public Poco::Net::TCPServerConnection {
 public:
  ServedConnection(const Poco::Net::StreamSocket& socket,
                   std::shared_ptr<ConnectionEnvironment> environment);
  void run() override;

 private:
  std::shared_ptr<ConnectionEnvironment> environment_;
};

class ServedConnectionFactory : public Poco::Net::TCPServerConnectionFactory {
 public:
  explicit ServedConnectionFactory(std::shared_ptr<ConnectionEnvironment> environment)
      : environment_(std::move(environment)) {}
  Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override {
    return new ServedConnection(socket, environment_);
  }

 private:
  std::shared_ptr<ConnectionEnvironment> environment_;
};

}  // namespace warden::host::http
