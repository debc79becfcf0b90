#pragma once

#include "host/http/api_token.hpp"
#include "host/http/request_metrics.hpp"
#include "host/http/router.hpp"

#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string_view>

namespace warden::host::http {

class ConnectionWatchdog;

/// What every connection of one server shares. Held by shared pointer so that it outlives any
/// connection still finishing when the server object goes away.
struct ServerContext {
  Router router;
  ApiToken token;
  std::size_t max_body_bytes = 0;
  std::shared_ptr<RequestMetrics> metrics;  ///< may be null
  /// Bounds the reading of a body and the sending of an answer (not the route's own work); may be
  /// null.
  std::shared_ptr<ConnectionWatchdog> watchdog;
  std::chrono::milliseconds body_timeout{30'000};
  /// Whether a console session cookie's value is a live session; null: cookies sign nothing in.
  std::function<bool(std::string_view)> session_valid;
};

/// Makes Poco's per-request handler. Refusals that need no body (ambiguous or invalid framing:
/// repeated or non-numeric Content-Length, Content-Length with Transfer-Encoding, a coding other
/// than chunked; 401; a Content-Length over the limit) are decided here, before Poco would answer
/// `Expect: 100-continue`, so a refused client is never invited to send its body. Chunked bodies
/// are read strictly (read_chunked_body), and their connection closes after the answer.
class RequestHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit RequestHandlerFactory(std::shared_ptr<const ServerContext> context);

  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest& request) override;

 private:
  std::shared_ptr<const ServerContext> context_;
};

}  // namespace warden::host::http
