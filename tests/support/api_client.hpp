#pragma once

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>

namespace warden::test {

struct ApiResponse {
  int status = 0;
  std::string body;
  std::string content_type;
  /// The body parsed as a JSON object (nullptr when it is not one).
  Poco::JSON::Object::Ptr json;
};

/// Calls the API on 127.0.0.1:`port`. `token` goes into the Authorization header when given.
ApiResponse call_api(int port, const std::string& method, const std::string& path,
                     const std::optional<std::string>& token = std::nullopt,
                     const std::string& body = {});

}  // namespace warden::test
