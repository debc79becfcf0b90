#include "tests/support/api_client.hpp"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>

#include <sstream>

namespace warden::test {

ApiResponse call_api(int port, const std::string& method, const std::string& path,
                     const std::optional<std::string>& token, const std::string& body) {
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
  session.setTimeout(Poco::Timespan(10, 0));
  Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  if (token) request.set("Authorization", *token);
  if (!body.empty() || method == "POST" || method == "PUT") {
    request.setContentType("application/json");
    request.setContentLength(static_cast<std::streamsize>(body.size()));
  }
  session.sendRequest(request) << body;
  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  ApiResponse out;
  out.status = response.getStatus();
  out.content_type = response.getContentType();
  std::ostringstream text;
  text << in.rdbuf();
  out.body = text.str();
  try {
    auto parsed = Poco::JSON::Parser().parse(out.body);
    if (parsed.type() == typeid(Poco::JSON::Object::Ptr))
      out.json = parsed.extract<Poco::JSON::Object::Ptr>();
  } catch (const Poco::Exception&) {
  }
  return out;
}

}  // namespace warden::test
