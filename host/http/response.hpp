#pragma once

#include "host/http/json.hpp"

#include <Poco/JSON/Object.h>

#include <string>
#include <utility>
#include <vector>

namespace warden::host::http {

/// What a handler answers.
struct Response {
  int status = 200;
  std::string content_type = kJsonContentType;
  std::string body;
  /// Extra headers (e.g. Allow); the server sets Content-Type, Content-Length and Connection.
  std::vector<std::pair<std::string, std::string>> headers;

  static Response json(const Poco::JSON::Object::Ptr& body, int status = 200);
  static Response text(std::string body, std::string content_type = "text/plain; charset=utf-8",
                       int status = 200);
  /// The error shape: `{"result": "exception", "message": …, "errors": {…}}`.
  static Response error(int status, const std::string& message,
                        const Poco::JSON::Object::Ptr& errors = {});
};

}  // namespace warden::host::http
