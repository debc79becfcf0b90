#include "host/http/response.hpp"

namespace warden::host::http {

Response Response::json(const Poco::JSON::Object::Ptr& body, int status) {
  Response response;
  response.status = status;
  response.body = body ? stringify(body) : "null";
  return response;
}

Response Response::text(std::string body, std::string content_type, int status) {
  Response response;
  response.status = status;
  response.content_type = std::move(content_type);
  response.body = std::move(body);
  return response;
}

Response Response::error(int status, const std::string& message,
                         const Poco::JSON::Object::Ptr& errors) {
  return json(error_body(message, errors), status);
}

}  // namespace warden::host::http
