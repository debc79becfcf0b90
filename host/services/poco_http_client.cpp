#include "host/services/poco_http_client.hpp"

#include "host/runtime/http_header_rules.hpp"
#include "host/services/http_session_pool.hpp"
#include "host/services/tls_setup.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/URI.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <istream>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

namespace warden::host {
namespace {

/// Where a request goes, taken apart from its URL.
struct Target {
  bool https = false;
  std::string host;
  Poco::UInt16 port = 0;
  std::string path_and_query;

  /// How messages name the server: host and port, never the path or query (they may hold tokens).
  std::string where() const {
    const bool ipv6 = host.find(':') != std::string::npos;
    return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
  }
};

std::optional<Target> parse_target(const std::string& url, std::string& error) {
  Poco::URI uri;
  try {
    uri = Poco::URI(url);
  } catch (const Poco::Exception& e) {
    error = "invalid URL: " + e.message();
    return std::nullopt;
  }
  Target target;
  const std::string scheme = Poco::toLower(uri.getScheme());
  if (scheme != "http" && scheme != "https") {
    error = scheme.empty() ? "invalid URL: no scheme (use http:// or https://)"
                           : "unsupported URL scheme \"" + scheme + "\" (use http or https)";
    return std::nullopt;
  }
  if (uri.getHost().empty()) {
    error = "invalid URL: no host";
    return std::nullopt;
  }
  target.https = scheme == "https";
  target.host = uri.getHost();
  target.port = uri.getPort();
  target.path_and_query = uri.getPathAndQuery();
  if (target.path_and_query.empty()) target.path_and_query = "/";
  return target;
}

std::optional<std::string> check_request(const HttpRequest& request) {
  if (!is_http_token(request.method)) return "invalid HTTP method \"" + request.method + "\"";
  for (const auto& [name, value] : request.headers) {
    if (!is_http_token(name)) return "invalid header name \"" + name + "\"";
    if (!is_http_header_value(value))
      return "invalid value of header " + name + " (a line break or control character)";
    if (is_framing_header(name))
      return "header " + name + " is the HTTP client's to set, not a plugin's";
  }
  return std::nullopt;
}

bool has_header(const HttpHeaders& headers, std::string_view name) {
  return std::any_of(headers.begin(), headers.end(), [&](const auto& header) {
    return Poco::icompare(header.first, std::string(name)) == 0;
  });
}

Poco::Net::HTTPRequest make_poco_request(const HttpRequest& request, const Target& target) {
  Poco::Net::HTTPRequest out(request.method, target.path_and_query,
                             Poco::Net::HTTPMessage::HTTP_1_1);
  out.setKeepAlive(true);
  for (const auto& [name, value] : request.headers) out.add(name, value);
  if (!has_header(request.headers, "User-Agent")) out.set("User-Agent", "warden/" WARDEN_VERSION);
  const bool sends_body = !request.body.empty() || request.method == "POST" ||
                          request.method == "PUT" || request.method == "PATCH";
  if (sends_body) out.setContentLength64(static_cast<Poco::Int64>(request.body.size()));
  return out;
}

void set_timeouts(Poco::Net::HTTPClientSession& session, std::chrono::milliseconds timeout) {
  const Poco::Timespan each(static_cast<Poco::Timespan::TimeDiff>(timeout.count()) * 1000);
  session.setTimeout(each, each, each);
}

std::unique_ptr<Poco::Net::HTTPClientSession> make_session(const Target& target,
                                                           const Poco::Net::Context::Ptr& tls,
                                                           std::chrono::milliseconds timeout) {
  std::unique_ptr<Poco::Net::HTTPClientSession> session;
  if (target.https)
    session = std::make_unique<Poco::Net::HTTPSClientSession>(target.host, target.port, tls);
  else
    session = std::make_unique<Poco::Net::HTTPClientSession>(target.host, target.port);
  session->setKeepAlive(true);
  set_timeouts(*session, timeout);
  return session;
}

/// Whether an answer has a body at all (RFC 9110: none for HEAD, 1xx, 204 and 304, whatever
/// Content-Length says).
bool has_body(const std::string& method, int status) {
  return method != "HEAD" && status >= 200 && status != 204 && status != 304;
}

/// Reads the body, refusing one over the cap, and one cut short of its announced length.
std::optional<std::string> read_body(std::istream& in, const Poco::Net::HTTPResponse& response,
                                     const Target& target, std::string& body) {
  constexpr const char* kTooLarge = "response body exceeds 8 MiB";
  const bool has_length = response.hasContentLength();
  const auto announced = has_length ? response.getContentLength64() : Poco::Int64{0};
  if (has_length && announced > static_cast<Poco::Int64>(kMaxResponseBodyBytes)) return kTooLarge;
  in.exceptions(std::ios::badbit);    // a read error propagates as Poco's exception
  std::array<char, 64 * 1024> chunk;  // not zero-filled: only what is read into it is used
  while (in) {
    in.read(chunk.data(), chunk.size());
    body.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
    if (body.size() > kMaxResponseBodyBytes) {
      body.clear();
      return kTooLarge;
    }
  }
  if (has_length && static_cast<Poco::Int64>(body.size()) < announced)
    return target.where() + " closed the connection after " + std::to_string(body.size()) + " of " +
           std::to_string(announced) + " body bytes";
  return std::nullopt;
}

std::string reason_of(const Poco::Exception& e) {
  return e.message().empty() ? std::string(e.name()) : e.message();
}

bool mentions_certificate(const Poco::Exception& e) {
  return e.displayText().find("certificate") != std::string::npos;
}

/// Turns what Poco threw into a sentence naming the server.
std::string describe_failure(const Target& target, std::chrono::milliseconds timeout) {
  const std::string where = target.where();
  try {
    throw;
  } catch (const Poco::Net::ConnectionRefusedException&) {
    return "connection refused by " + where;
  } catch (const Poco::TimeoutException&) {
    return "timed out after " + std::to_string(timeout.count()) + " ms waiting for " + where;
  } catch (const Poco::Net::HostNotFoundException&) {
    return "cannot resolve host \"" + target.host + "\"";
  } catch (const Poco::Net::DNSException& e) {
    return "cannot resolve host \"" + target.host + "\": " + reason_of(e);
  } catch (const Poco::Net::SSLException& e) {
    std::string problem = take_certificate_problem();
    if (problem.empty() && mentions_certificate(e)) problem = reason_of(e);
    if (!problem.empty()) return "TLS certificate of " + where + " rejected: " + problem;
    return "TLS error with " + where + ": " + reason_of(e);
  } catch (const Poco::Net::ConnectionResetException&) {
    return "connection reset by " + where;
  } catch (const Poco::Net::NoMessageException&) {
    return where + " closed the connection without answering";
  } catch (const Poco::Net::MessageException& e) {
    return "invalid HTTP answer from " + where + ": " + reason_of(e);
  } catch (const Poco::Exception& e) {
    return "request to " + where + " failed: " + e.displayText();
  } catch (const std::exception& e) {
    return "request to " + where + " failed: " + e.what();
  } catch (...) {
    return "request to " + where + " failed";
  }
}

HttpResponse failed(std::string error) {
  HttpResponse response;
  response.error = std::move(error);
  return response;
}

/// Thrown when a kept-alive connection turns out to be closed before the request reached the
/// server (or before any byte of an answer came): the request is sent again on a new connection.
struct StaleConnection {};

HttpResponse exchange_on(Poco::Net::HTTPClientSession& session, bool reused,
                         const HttpRequest& request, const Target& target, bool& keep) {
  Poco::Net::HTTPRequest poco_request = make_poco_request(request, target);
  try {
    std::ostream& out = session.sendRequest(poco_request);
    out.exceptions(std::ios::badbit);
    out.write(request.body.data(), static_cast<std::streamsize>(request.body.size()));
    out.flush();
  } catch (const Poco::Exception&) {
    if (reused) throw StaleConnection{};  // the server closed it while it was idle
    throw;
  } catch (const std::ios::failure&) {
    if (reused) throw StaleConnection{};
    throw;
  }
  Poco::Net::HTTPResponse poco_response;
  std::istream* in = nullptr;
  try {
    in = &session.receiveResponse(poco_response);
  } catch (const Poco::Net::NoMessageException&) {
    if (reused) throw StaleConnection{};  // closed without a byte of an answer
    throw;
  }
  HttpResponse response;
  response.status = static_cast<int>(poco_response.getStatus());
  response.reason = poco_response.getReason();
  for (const auto& [name, value] : poco_response) response.headers.emplace_back(name, value);
  if (has_body(request.method, response.status)) {
    if (auto error = read_body(*in, poco_response, target, response.body)) {
      response.error = *error;
      return response;
    }
  } else if (poco_response.hasContentLength() && poco_response.getContentLength64() > 0) {
    return response;  // an announced body left unread: the connection cannot carry another
  }
  keep = poco_response.getKeepAlive();
  return response;
}

HttpResponse exchange(const HttpRequest& request, const Target& target,
                      const Poco::Net::Context::Ptr& tls, HttpSessionPool& pool) {
  const HttpSessionPool::Key key{target.https, target.host, target.port};
  auto session = pool.take(key);
  if (session) {
    set_timeouts(*session, request.timeout);
    bool keep = false;
    try {
      auto response = exchange_on(*session, true, request, target, keep);
      if (keep) pool.put(key, std::move(session));
      return response;
    } catch (const StaleConnection&) {
      // fall through to a new connection
    }
  }
  session = make_session(target, tls, request.timeout);
  bool keep = false;
  auto response = exchange_on(*session, false, request, target, keep);
  if (keep) pool.put(key, std::move(session));
  return response;
}

}  // namespace

PocoHttpClient::PocoHttpClient() : PocoHttpClient(Options{}) {}

PocoHttpClient::PocoHttpClient(const Options& options)
    : pool_(std::make_unique<HttpSessionPool>()) {
  ensure_tls_initialized();
  Poco::Net::Context::Params params;
  params.caLocation = options.extra_ca_file;
  params.loadDefaultCAs = true;
  params.verificationMode = Poco::Net::Context::VERIFY_RELAXED;
  tls_ = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
}

PocoHttpClient::~PocoHttpClient() = default;

HttpResponse PocoHttpClient::send(const HttpRequest& request) noexcept {
  try {
    std::string error;
    auto target = parse_target(request.url, error);
    if (!target) return failed(error);
    if (auto refused = check_request(request)) return failed(*refused);
    try {
      take_certificate_problem();  // forget one left by an earlier request on this thread
      return exchange(request, *target, tls_, *pool_);
    } catch (...) {
      return failed(describe_failure(*target, request.timeout));
    }
  } catch (...) {
    return failed("the request could not be made");
  }
}

}  // namespace warden::host
