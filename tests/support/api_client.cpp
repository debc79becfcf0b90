#include "tests/support/api_client.hpp"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>

#include <Poco/String.h>

#include <sstream>

namespace warden::test {

std::string ApiResponse::header(const std::string& name) const {
  for (const auto& [key, value] : headers)
    if (Poco::icompare(key, name) == 0) return value;
  return {};
}

ApiResponse call_api(int port, const std::string& method, const std::string& path,
                     const std::optional<std::string>& token, const std::string& body) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (token) headers.emplace_back("Authorization", *token);
  return call_http(port, method, path, headers, body);
}

ApiResponse call_http(int port, const std::string& method, const std::string& path,
                      const std::vector<std::pair<std::string, std::string>>& headers,
                      const std::string& body) {
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
  session.setTimeout(Poco::Timespan(10, 0));
  Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  for (const auto& [name, value] : headers) request.add(name, value);
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
  for (const auto& [name, value] : response) out.headers.emplace_back(name, value);
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
