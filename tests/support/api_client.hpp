#pragma once

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace warden::test {

struct ApiResponse {
  int status = 0;
  std::string body;
  std::string content_type;
  /// The body parsed as a JSON object (nullptr when it is not one).
  Poco::JSON::Object::Ptr json;
  /// Every response header, in the order received (Set-Cookie may repeat).
  std::vector<std::pair<std::string, std::string>> headers;
  /// The first header called `name` (case-insensitive), or "".
  std::string header(const std::string& name) const;
};

/// Calls 127.0.0.1:`port` with exactly these request headers (no Authorization unless given).
ApiResponse call_http(int port, const std::string& method, const std::string& path,
                      const std::vector<std::pair<std::string, std::string>>& headers,
                      const std::string& body = {});

/// Calls the API on 127.0.0.1:`port`. `token` goes into the Authorization header when given.
ApiResponse call_api(int port, const std::string& method, const std::string& path,
                     const std::optional<std::string>& token = std::nullopt,
                     const std::string& body = {});

}  // namespace warden::test
