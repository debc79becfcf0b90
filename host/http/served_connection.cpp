#include "host/http/served_connection.hpp"

#include "host/http/connection_gate.hpp"
#include "host/http/response.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Timestamp.h>

#include <spdlog/spdlog.h>

#include <poll.h>
#include <sys/socket.h>

#include <memory>
#include <ostream>
#include <string>
#include <utility>

namespace warden::host::http {
namespace {

using Poco::Net::HTTPResponse;

// A kept-alive client usually sends its next request soon: the thread waits up to this long for a
// whole next header before handing the connection back to the gate. Handing off after every
// request cost status_task 40% of its throughput under wrk -c64 (76% → 45% of a bare Poco
// server; 58% with 5 ms, 78% with 50 ms). A slow or silent client still holds no thread: only a
// whole header within the linger keeps it.
constexpr int kLingerMillis = 50;

/// True when a whole request header arrives on `fd` within kLingerMillis (peeked, not read).
bool next_header_arrives(int fd) {
  pollfd ready{fd, POLLIN, 0};
  if (::poll(&ready, 1, kLingerMillis) <= 0) return false;
  char peeked[8192];
  const auto count = ::recv(fd, peeked, sizeof peeked, MSG_PEEK | MSG_DONTWAIT);
  return count > 0 && header_complete({peeked, static_cast<std::size_t>(count)});
}

/// Tells whether the client has already sent (part of) its next request.
class ServerSession : public Poco::Net::HTTPServerSession {
 public:
  using HTTPServerSession::buffered;
  using HTTPServerSession::HTTPServerSession;
};

/// Answers a request Poco could not read as HTTP, and closes.
void refuse(ServerSession& session, ConnectionEnvironment& environment,
            const std::string& message) {
  const auto answer = Response::error(400, message);
  if (environment.metrics) environment.metrics->record(answer.status, 0);
  try {
    Poco::Net::HTTPServerResponseImpl response(session);
    response.setVersion(Poco::Net::HTTPMessage::HTTP_1_1);
    response.setStatusAndReason(HTTPResponse::HTTP_BAD_REQUEST);
    response.setKeepAlive(false);
    response.setContentType(answer.content_type);
    response.setContentLength64(static_cast<Poco::Int64>(answer.body.size()));
    response.send() << answer.body << std::flush;
  } catch (const Poco::Exception&) {
    // The client is gone.
  }
}

/// Reads one request, has it handled and answered; true when the connection stays open.
bool serve_request(ServerSession& session, WatchedSocket& watched,
                   ConnectionEnvironment& environment) {
  const auto& params = *environment.params;
  try {
    Poco::Net::HTTPServerResponseImpl response(session);
    Poco::Net::HTTPServerRequestImpl request(response, session, environment.params);
    watched.limit(environment.deadlines.body);
    response.setDate(Poco::Timestamp());
    response.setVersion(request.getVersion());
    response.setKeepAlive(params.getKeepAlive() && request.getKeepAlive() &&
                          session.canKeepAlive());
    std::unique_ptr<Poco::Net::HTTPRequestHandler> handler(
        environment.handlers->createRequestHandler(request));
    // A refusal decided from the header alone has set another status: no body is invited.
    if (request.getExpectContinue() && response.getStatus() == HTTPResponse::HTTP_OK) {
      response.sendContinue();
    }
    handler->handleRequest(request, response);
    const bool keep_alive =
        params.getKeepAlive() && response.getKeepAlive() && session.canKeepAlive();
    session.setKeepAlive(keep_alive);
    return keep_alive;
  } catch (const Poco::Net::NoMessageException&) {
    // Closed (or cut) before a request began.
  } catch (const Poco::Net::MessageException& e) {
    refuse(session, environment, "malformed request: " + e.message());
  } catch (const Poco::SyntaxException&) {
    refuse(session, environment, "invalid Content-Length");
  } catch (const Poco::Exception& e) {
    spdlog::debug("http connection ended: {}", e.displayText());
  }
  return false;
}

}  // namespace

ServedConnection::ServedConnection(const Poco::Net::StreamSocket& socket,
                                   std::shared_ptr<ConnectionEnvironment> environment)
    : TCPServerConnection(socket), environment_(std::move(environment)) {}

void ServedConnection::run() {
  auto& environment = *environment_;
  ServerSession session(socket(), environment.params);
  bool keep_alive = false;
  {
    WatchedSocket watched(environment.watchdog, socket().impl()->sockfd());
    do {
      if (environment.stopping || !session.hasMoreRequests()) return;
      watched.limit(environment.deadlines.header);
      keep_alive = serve_request(session, watched, environment);
    } while (keep_alive && !environment.stopping &&
             (session.buffered() > 0 || next_header_arrives(socket().impl()->sockfd())));
  }
  // Nothing of the next request has been read: the gate waits for it without a thread.
  // (The session closes its socket when it goes: the gate gets it detached.)
  if (keep_alive && !environment.stopping) environment.gate.hold_idle(session.detachSocket());
}

}  // namespace warden::host::http
