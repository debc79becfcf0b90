#pragma once

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <cstdint>
#include <map>
#include <sstream>
#include <string>
#include <utility>

namespace warden::test {

/// One answer from the server under test.
struct HttpReply {
  int status = 0;
  std::string content_type;
  std::string body;
  std::map<std::string, std::string> headers;

  Poco::JSON::Object::Ptr json() const {
    Poco::JSON::Parser parser;
    return parser.parse(body).extract<Poco::JSON::Object::Ptr>();
  }
  std::string message() const { return json()->getValue<std::string>("message"); }
};

struct HttpCall {
  HttpCall(std::string method, std::string target, std::string body = {},
           std::map<std::string, std::string> headers = {}, bool chunked = false)
      : method(std::move(method)),
        target(std::move(target)),
        body(std::move(body)),
        headers(std::move(headers)),
        chunked(chunked) {}

  std::string method;
  std::string target;
  std::string body;
  std::map<std::string, std::string> headers;
  bool chunked = false;
};

inline HttpReply send_call(Poco::Net::HTTPClientSession& session, const HttpCall& call) {
  Poco::Net::HTTPRequest request(call.method, call.target, Poco::Net::HTTPMessage::HTTP_1_1);
  for (const auto& [name, value] : call.headers) request.set(name, value);
  if (call.chunked) {
    request.setChunkedTransferEncoding(true);
  } else if (!call.body.empty() || call.method == "POST" || call.method == "PUT") {
    request.setContentLength(static_cast<std::streamsize>(call.body.size()));
  }
  std::ostream& out = session.sendRequest(request);
  out << call.body;
  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  HttpReply reply;
  reply.status = response.getStatus();
  reply.content_type = response.getContentType();
  for (const auto& [name, value] : response) reply.headers[name] = value;
  std::ostringstream body;
  Poco::StreamCopier::copyStream(in, body);
  reply.body = body.str();
  return reply;
}

/// One call on a fresh connection to 127.0.0.1:`port`.
inline HttpReply http_call(std::uint16_t port, const HttpCall& call) {
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  session.setTimeout(Poco::Timespan(10, 0));
  return send_call(session, call);
}

}  // namespace warden::test
