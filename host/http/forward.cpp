#include "host/http/forward.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <array>
#include <sstream>
#include <string_view>

namespace warden::host::http {

namespace {

// Hop-by-hop and framing headers: the forwarding session makes its own. Where a console request
// came from was checked here (console_auth): the other host sees this host's origin, not the
// browser's, so Origin and Sec-Fetch-Site stay behind.
constexpr std::array<std::string_view, 9> kNotForwarded = {
    "connection", "keep-alive", "transfer-encoding", "content-length", "host", "te",
    "upgrade",    "origin",     "sec-fetch-site"};

bool forwarded(const std::string& name) {
  std::string lower;
  for (char c : name) lower += static_cast<char>(c | 0x20);
  for (auto skip : kNotForwarded)
    if (lower == skip) return false;
  return true;
}

std::string encoded(const std::string& text) {
  std::string out;
  Poco::URI::encode(text, "!#$&'()*+,/:;=?@[]%", out);
  return out;
}

/// The request target as sent: the path still percent-encoded (a URI type would decode %2F into a
/// separator), the query encoded again from its parameters.
std::string target_of(const Request& request) {
  std::string target = request.path;
  for (std::size_t i = 0; i < request.query_params.size(); ++i) {
    const auto& [name, value] = request.query_params[i];
    target += (i == 0 ? "?" : "&") + encoded(name) + "=" + encoded(value);
  }
  return target;
}

Response unavailable(const std::string& address, const std::string& why) {
  auto response = Response::error(
      503, "the host at " + address + " that serves this call did not answer: " + why);
  response.headers.emplace_back("Retry-After", "1");
  return response;
}

}  // namespace

Response forward(const Request& request, const std::string& address,
                 std::chrono::milliseconds timeout) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos) return unavailable(address, "no port in its address");
  try {
    Poco::Net::HTTPClientSession session(
        address.substr(0, colon), static_cast<Poco::UInt16>(std::stoi(address.substr(colon + 1))));
    session.setTimeout(
        Poco::Timespan(std::chrono::duration_cast<std::chrono::microseconds>(timeout).count()));
    Poco::Net::HTTPRequest out(request.method, target_of(request),
                               Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& [name, value] : request.headers)
      if (forwarded(name)) out.add(name, value);
    out.set(kForwardedHeader, "1");
    out.setContentLength(static_cast<std::streamsize>(request.body.size()));
    session.sendRequest(out) << request.body;
    Poco::Net::HTTPResponse answer;
    std::istream& in = session.receiveResponse(answer);
    Response response;
    response.status = static_cast<int>(answer.getStatus());
    response.content_type = answer.getContentType();
    Poco::StreamCopier::copyToString(in, response.body);
    for (const char* kept : {"Retry-After", "Allow"})
      if (answer.has(kept)) response.headers.emplace_back(kept, answer.get(kept));
    return response;
  } catch (const Poco::Exception& e) {
    return unavailable(address, e.displayText());
  } catch (const std::exception& e) {
    return unavailable(address, e.what());
  }
}

}  // namespace warden::host::http
