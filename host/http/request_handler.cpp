#include "host/http/request_handler.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>
#include <Poco/Timestamp.h>

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace warden::host::http {
namespace {

using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

// Before closing a connection whose request body was not read, the rest of it is read and dropped
// for a moment: closing with unread input makes the kernel reset the connection, and the client
// could lose the answer it has not read yet.
constexpr std::size_t kMaxDrainBytes = 4 * 1024 * 1024;
constexpr Poco::Timestamp::TimeDiff kMaxDrainMicros = 2'000'000;

bool has_body(const HTTPServerRequest& in) {
  try {
    return in.has("Transfer-Encoding") || (in.hasContentLength() && in.getContentLength64() != 0);
  } catch (const Poco::Exception&) {
    return true;  // an unreadable Content-Length: assume the worst
  }
}

std::string too_large(std::size_t limit) {
  return "request body too large: limit is " + std::to_string(limit) + " bytes";
}

bool is_api_path(const std::string& target) {
  // Decoded as the router decodes it, so `/%61pi/…` cannot slip past the token check.
  const auto segments = decoded_segments(target.substr(0, target.find('?')));
  return !segments.empty() && segments.front() == "api";
}

/// A refusal decided from the request line and headers alone, or nullopt.
std::optional<Response> preflight(const ServerContext& context, const HTTPServerRequest& in) {
  try {
    const bool chunked = in.getChunkedTransferEncoding();
    if (in.has("Transfer-Encoding") && !chunked) {
      return Response::error(501, "unsupported Transfer-Encoding: only chunked is accepted");
    }
    if (chunked && in.hasContentLength()) {
      return Response::error(400,
                             "a request must not have both Content-Length and Transfer-Encoding");
    }
    if (in.hasContentLength() && in.getContentLength64() < 0) {
      return Response::error(400, "invalid Content-Length");
    }
    if (is_api_path(in.getURI()) && !context.token.accepts(in.get("Authorization", ""))) {
      return Response::error(401, "unauthorized");
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
  if (!in.getChunkedTransferEncoding() && !in.hasContentLength()) return {};
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
  if (in.hasContentLength() && body.size() != static_cast<std::uint64_t>(in.getContentLength64())) {
    throw HttpError(400, "request body ended before its Content-Length");
  }
  return body;
}

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
    Response response;
    try {
      response = answer(in, request, body_unread);
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
    send(in, out, response, body_unread);
    spdlog::debug("http {} {} {} {:.1f}ms", request.method, loggable_path(request), response.status,
                  took.count());
  }

 private:
  Response answer(HTTPServerRequest& in, Request& request, bool& body_unread) {
    request.set_target(in.getURI());
    if (refusal_) return *refusal_;
    copy_headers(in, request);
    request.body = read_body(in, context_->max_body_bytes);
    body_unread = false;
    return context_->router.dispatch(request);
  }

  static void send(HTTPServerRequest& in, HTTPServerResponse& out, const Response& response,
                   bool body_unread) {
    try {
      out.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(response.status));
      out.setContentType(response.content_type);
      for (const auto& [name, value] : response.headers) out.set(name, value);
      if (body_unread) out.setKeepAlive(false);
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
