#include "host/http/request_handler.hpp"

#include "host/http/chunked_body.hpp"
#include "host/http/connection_watchdog.hpp"
#include "host/http/console_auth.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/HTTPStream.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/String.h>
#include <Poco/Timespan.h>
#include <Poco/Timestamp.h>

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace warden::host::http {
namespace {

using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

// Before closing a connection whose request body was not read, the rest of it is read and dropped
// for a moment: closing with unread input makes the kernel reset the connection, and the client
// could lose the answer it has not read yet.
constexpr std::size_t kMaxDrainBytes = 4 * 1024 * 1024;
constexpr Poco::Timestamp::TimeDiff kMaxDrainMicros = 2'000'000;

/// Every value of the header `name`: Poco keeps repeated headers apart.
std::vector<std::string> values_of(const HTTPServerRequest& in, const std::string& name) {
  std::vector<std::string> values;
  for (const auto& [key, value] : in) {
    if (Poco::icompare(key, name) == 0) values.push_back(value);
  }
  return values;
}

bool is_chunked(const HTTPServerRequest& in) {
  return in.getChunkedTransferEncoding();
}

bool has_body(const HTTPServerRequest& in) {
  if (in.has("Transfer-Encoding")) return true;
  const auto lengths = values_of(in, "Content-Length");
  return !lengths.empty() && lengths.front().find_first_not_of('0') != std::string::npos;
}

std::string too_large(std::size_t limit) {
  return "request body too large: limit is " + std::to_string(limit) + " bytes";
}

bool is_api_path(const std::string& target) {
  // Decoded as the router decodes it, so `/%61pi/…` cannot slip past the token check.
  const auto segments = decoded_segments(target.substr(0, target.find('?')));
  return !segments.empty() && segments.front() == "api";
}

/// Refuses framing that a proxy in front could read otherwise (request smuggling, RFC 9112 §6.3):
/// a Content-Length must be digits, repeated only with the same value, and never beside a
/// Transfer-Encoding; the only transfer coding is one `chunked`.
void check_framing(const HTTPServerRequest& in) {
  const auto lengths = values_of(in, "Content-Length");
  const auto codings = values_of(in, "Transfer-Encoding");
  if (!codings.empty() && !lengths.empty()) {
    throw HttpError(400, "a request must not have both Content-Length and Transfer-Encoding");
  }
  if (!codings.empty() &&
      (codings.size() != 1 || Poco::icompare(codings.front(), "chunked") != 0)) {
    throw HttpError(501, "unsupported Transfer-Encoding: only chunked is accepted");
  }
  for (const auto& length : lengths) {
    if (length.empty() || length.find_first_not_of("0123456789") != std::string::npos) {
      throw HttpError(400, "invalid Content-Length");
    }
    if (length != lengths.front()) throw HttpError(400, "conflicting Content-Length headers");
  }
}

std::optional<std::string> header_of(const HTTPServerRequest& in, const std::string& name) {
  if (!in.has(name)) return std::nullopt;
  return in.get(name);
}

/// An `/api/` request is signed in by the API token (Authorization), or by a console session
/// cookie on a same-origin request that carries X-Warden-Console. `POST /api/session`, the
/// sign-in itself, checks the token in its body.
std::optional<Response> unauthorized(const ServerContext& context, const HTTPServerRequest& in) {
  if (in.has("Authorization")) {
    if (context.token.accepts(in.get("Authorization"))) return std::nullopt;
    return Response::error(401, "unauthorized");
  }
  const auto target = in.getURI().substr(0, in.getURI().find('?'));
  if (in.getMethod() == "POST" &&
      decoded_segments(target) == std::vector<std::string>{"api", "session"})
    return std::nullopt;
  const auto cookie = header_of(in, "Cookie");
  const auto secret = cookie ? session_cookie(*cookie) : std::nullopt;
  if (!secret || !context.session_valid) return Response::error(401, "unauthorized");
  const auto refusal =
      cookie_refusal({header_of(in, std::string(kConsoleHeader)), header_of(in, "Origin"),
                      header_of(in, "Host"), header_of(in, "Sec-Fetch-Site")});
  if (!refusal.empty()) return Response::error(403, refusal);
  try {
    if (!context.session_valid(*secret)) return Response::error(401, "unauthorized");
  } catch (const std::exception& e) {
    spdlog::warn("console session check failed: {}", e.what());
    return Response::error(503, "sessions cannot be checked now: the database did not answer");
  }
  return std::nullopt;
}

/// A refusal decided from the request line and headers alone, or nullopt.
std::optional<Response> preflight(const ServerContext& context, const HTTPServerRequest& in) {
  try {
    check_framing(in);
    if (is_api_path(in.getURI())) {
      if (auto refusal = unauthorized(context, in)) return refusal;
    }
    if (in.hasContentLength() &&
        static_cast<std::uint64_t>(in.getContentLength64()) > context.max_body_bytes) {
      return Response::error(413, too_large(context.max_body_bytes));
    }
  } catch (const HttpError& e) {
    return Response::error(e.status(), e.what(), e.errors());
  } catch (const Poco::SyntaxException&) {
    return Response::error(400, "invalid Content-Length");
  }
  return std::nullopt;
}

/// Reads the body up to `limit` bytes. A request with neither Content-Length nor chunked encoding
/// has no body (RFC 9112), so nothing waits for the client to close.
std::string read_body(HTTPServerRequest& in, std::size_t limit) {
  if (is_chunked(in)) {
    auto& impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl&>(in);
    Poco::Net::HTTPInputStream raw(impl.session());
    return read_chunked_body(raw, limit);
  }
  if (!in.hasContentLength()) return {};
  std::istream& stream = in.stream();
  std::string body;
  char buffer[16 * 1024];
  while (stream) {
    stream.read(buffer, sizeof buffer);
    const auto count = static_cast<std::size_t>(stream.gcount());
    if (body.size() + count > limit) throw HttpError(413, too_large(limit));
    body.append(buffer, count);
  }
  if (stream.bad()) throw HttpError(400, "could not read the request body");
  if (body.size() != static_cast<std::uint64_t>(in.getContentLength64())) {
    throw HttpError(400, "request body ended before its Content-Length");
  }
  return body;
}

/// The watchdog's hold on this request's connection: the connection set the body deadline when
/// the header was read; the route's own work is not bounded; sending the answer is again.
class SocketDeadline {
 public:
  SocketDeadline(const ServerContext& context, HTTPServerRequest& in) : context_(context) {
    auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&in);
    if (impl && context.watchdog) fd_ = impl->socket().impl()->sockfd();
  }
  void lift() {
    if (fd_ >= 0) context_.watchdog->forget(fd_);
  }
  void renew() {
    if (fd_ >= 0) {
      context_.watchdog->watch(fd_, ConnectionWatchdog::Clock::now() + context_.body_timeout);
    }
  }

 private:
  const ServerContext& context_;
  int fd_ = -1;
};

void copy_headers(const HTTPServerRequest& in, Request& request) {
  for (const auto& [name, value] : in) {
    auto [slot, added] = request.headers.emplace(name, value);
    if (!added) slot->second += ", " + value;
  }
}

void drain_input(HTTPServerRequest& in) {
  auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&in);
  if (!impl) return;
  try {
    auto& socket = impl->socket();
    socket.shutdownSend();
    const Poco::Timestamp started;
    char buffer[16 * 1024];
    std::size_t drained = 0;
    while (drained < kMaxDrainBytes && started.elapsed() < kMaxDrainMicros) {
      const Poco::Timespan left(kMaxDrainMicros - started.elapsed());
      if (!socket.poll(left, Poco::Net::Socket::SELECT_READ)) break;
      const int count = socket.receiveBytes(buffer, sizeof buffer);
      if (count <= 0) break;
      drained += static_cast<std::size_t>(count);
    }
  } catch (const Poco::Exception&) {
    // The client went away: nothing left to protect.
  }
}

class RequestHandler : public Poco::Net::HTTPRequestHandler {
 public:
  RequestHandler(std::shared_ptr<const ServerContext> context, std::optional<Response> refusal)
      : context_(std::move(context)), refusal_(std::move(refusal)) {}

  void handleRequest(HTTPServerRequest& in, HTTPServerResponse& out) override {
    const auto started = std::chrono::steady_clock::now();
    Request request;
    request.method = in.getMethod();
    bool body_unread = has_body(in);
    SocketDeadline deadline(*context_, in);
    Response response;
    try {
      response = answer(in, request, body_unread, deadline);
    } catch (const HttpError& e) {
      response = Response::error(e.status(), e.what(), e.errors());
    } catch (const std::exception& e) {
      spdlog::error("http {} {}: {}", request.method, loggable_path(request), e.what());
      response = Response::error(500, "internal error");
    }
    // Counted before the answer leaves, so a client that reads /metrics next always sees it.
    const std::chrono::duration<double, std::milli> took =
        std::chrono::steady_clock::now() - started;
    if (context_->metrics) context_->metrics->record(response.status, took.count());
    deadline.renew();
    send(in, out, response, body_unread);
    spdlog::debug("http {} {} {} {:.1f}ms", request.method, loggable_path(request), response.status,
                  took.count());
  }

 private:
  Response answer(HTTPServerRequest& in, Request& request, bool& body_unread,
                  SocketDeadline& deadline) {
    request.set_target(in.getURI());
    if (refusal_) return *refusal_;
    copy_headers(in, request);
    // No route outside /api/ takes a body, so none is read there: a client without the token
    // cannot hold a thread by trickling one.
    if (is_api_path(in.getURI())) {
      request.body = read_body(in, context_->max_body_bytes);
      body_unread = false;
    }
    deadline.lift();
    return context_->router.dispatch(request);
  }

  static void send(HTTPServerRequest& in, HTTPServerResponse& out, const Response& response,
                   bool body_unread) {
    try {
      out.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(response.status));
      out.setContentType(response.content_type);
      for (const auto& [name, value] : response.headers) out.set(name, value);
      // After a chunked body the raw stream may have read ahead into the next request.
      if (body_unread || is_chunked(in)) out.setKeepAlive(false);
      out.setContentLength64(static_cast<Poco::Int64>(response.body.size()));
      std::ostream& body = out.send();
      if (in.getMethod() != Poco::Net::HTTPRequest::HTTP_HEAD) {
        body.write(response.body.data(), static_cast<std::streamsize>(response.body.size()));
      }
      body.flush();  // the answer must be on the wire before the drain half-closes the socket
      if (body_unread) drain_input(in);
    } catch (const Poco::Exception& e) {
      spdlog::debug("http answer not delivered: {}", e.displayText());
    }
  }

  // The query is left out of logs: it may carry values a client considers private.
  static const std::string& loggable_path(const Request& request) {
    static const std::string unparsed = "<unparsed target>";
    return request.path.empty() ? unparsed : request.path;
  }

  std::shared_ptr<const ServerContext> context_;
  std::optional<Response> refusal_;
};

}  // namespace

RequestHandlerFactory::RequestHandlerFactory(std::shared_ptr<const ServerContext> context)
    : context_(std::move(context)) {}

Poco::Net::HTTPRequestHandler* RequestHandlerFactory::createRequestHandler(
    const HTTPServerRequest& request) {
  auto refusal = preflight(*context_, request);
  // Any status but 200 keeps Poco from sending `100 Continue` for a refused request.
  if (refusal) {
    request.response().setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(refusal->status));
  }
  return new RequestHandler(context_, std::move(refusal));
}

}  // namespace warden::host::http
