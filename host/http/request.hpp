#pragma once

#include <Poco/JSON/Object.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace warden::host::http {

/// Orders header names case-insensitively (HTTP header names are case-insensitive).
struct CaseInsensitiveLess {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const;
};

/// One HTTP request as a handler sees it.
struct Request {
  std::string method;  ///< "GET", "POST", …
  std::string path;    ///< as sent, percent-encoded, without the query
  /// The `{name}` segments of the matched route, percent-decoded.
  std::map<std::string, std::string, std::less<>> path_params;
  /// Percent-decoded, in the order sent; a name may repeat.
  std::vector<std::pair<std::string, std::string>> query_params;
  /// Repeated headers are joined with ", ".
  std::map<std::string, std::string, CaseInsensitiveLess> headers;
  std::string body;

  /// The path parameter `name` of the matched route. Throws std::out_of_range when the route has no
  /// such parameter (a programming error, answered 500).
  const std::string& param(std::string_view name) const;
  /// The first query parameter called `name`.
  std::optional<std::string> query(std::string_view name) const;
  /// The header `name`, case-insensitively.
  std::optional<std::string> header(std::string_view name) const;

  /// The body parsed as a JSON object. Throws HttpError 400 "request body is not valid JSON:
  /// <reason> at line L, column C" or "request body must be a JSON object".
  Poco::JSON::Object::Ptr json() const;

  /// Sets `path` and `query_params` from a request target ("/a/b?x=1"). Throws HttpError 400 when
  /// the target is not a path or its query is malformed.
  void set_target(std::string_view target);
};

/// Splits a percent-encoded path into its percent-decoded segments ("/a/b%2Fc" -> {"a", "b/c"}).
/// Throws HttpError 400 on a malformed escape.
std::vector<std::string> decoded_segments(std::string_view path);

}  // namespace warden::host::http
