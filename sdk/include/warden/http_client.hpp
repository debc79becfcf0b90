#pragma once

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <warden/text.hpp>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace warden {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

/// The first header of that name (case-insensitive) in `headers`, or "".
inline std::string header_value(const HttpHeaders& headers, std::string_view name) {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
          return (a | 0x20) == (b | 0x20);
        }))
      return v;
  }
  return {};
}

/// A `headers` field (a textarea): one `Name: value` per line, blank lines skipped, names RFC 9110
/// tokens. Throws std::invalid_argument naming a malformed line by its number only: its text may
/// hold a token. (A field with the host's `http_header_lines` validator is checked when saved.)
inline HttpHeaders parse_header_lines(std::string_view text) {
  static constexpr std::string_view kSymbols = "!#$%&'*+-.^_`|~";
  const auto is_token_char = [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           kSymbols.find(c) != std::string_view::npos;
  };
  HttpHeaders headers;
  std::size_t line_number = 0;
  for (std::size_t start = 0; start <= text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string line = trimmed(text.substr(start, end - start));
    start = end + 1;
    ++line_number;
    if (line.empty()) continue;
    const auto colon = line.find(':');
    const std::string name = colon == std::string::npos ? "" : trimmed(line.substr(0, colon));
    const std::string where = "headers line " + std::to_string(line_number) + ": ";
    if (name.empty()) throw std::invalid_argument(where + "expected \"Name: value\"");
    if (!std::all_of(name.begin(), name.end(), is_token_char))
      throw std::invalid_argument(where +
                                  "a header name is letters, digits and -_.!#$%&'*+^`|~ only");
    headers.emplace_back(name, trimmed(std::string_view(line).substr(colon + 1)));
  }
  return headers;
}

/// `application/json`, or any `…+json` media type, parameters ignored.
inline bool is_json_media_type(std::string_view content_type) {
  const std::string type = lowercase(trimmed(content_type.substr(0, content_type.find(';'))));
  const std::string_view suffix = "+json";
  return type == "application/json" ||
         (type.size() > suffix.size() &&
          type.compare(type.size() - suffix.size(), suffix.size(), suffix) == 0);
}

struct HttpRequest {
  std::string method = "GET";
  std::string url;  ///< http:// or https://
  HttpHeaders headers;
  std::string body;
  std::chrono::milliseconds timeout{10'000};  ///< connect, send and receive, each
};

struct HttpResponse {
  int status = 0;      ///< 0 when no answer came (see `error`)
  std::string reason;  ///< the status line's reason phrase
  HttpHeaders headers;
  std::string body;
  std::string error;  ///< non-empty when the request could not be made or answered

  bool ok() const { return error.empty() && status >= 200 && status < 300; }
  /// The first header of that name (case-insensitive), or "".
  std::string header(std::string_view name) const { return header_value(headers, name); }
};

/// How logs and messages name a server: `host:port` of `url` (never its path or query, which may
/// carry tokens); "the configured URL" when it has no host.
inline std::string host_and_port(const std::string& url) {
  try {
    const Poco::URI uri(url);
    if (uri.getHost().empty()) return "the configured URL";
    const bool ipv6 = uri.getHost().find(':') != std::string::npos;
    return (ipv6 ? "[" + uri.getHost() + "]" : uri.getHost()) + ":" + std::to_string(uri.getPort());
  } catch (const Poco::Exception&) {
    return "the configured URL";
  }
}

/// `value` percent-encoded for a URL's query (every reserved character, Base64's + / = too): a
/// token a vendor wants in the query string.
inline std::string query_value(const std::string& value) {
  std::string out;
  Poco::URI::encode(value, "!#$&'()*+,/:;=?@[]", out);
  return out;
}

/// A Retry-After header's delay in seconds, or -1 when it is absent or a date.
inline int retry_after_seconds(std::string_view header) {
  const std::string value = trimmed(header);
  if (value.empty() || value.size() > 9) return -1;
  int seconds = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return -1;
    seconds = seconds * 10 + (c - '0');
  }
  return seconds;
}

/// The host's HTTP(S) client. Blocking; never throws: transport failures come back in `error`.
/// Response bodies are capped by the host (8 MiB); a larger one is an error.
class HttpClient {
 public:
  virtual ~HttpClient() = default;
  virtual HttpResponse send(const HttpRequest& request) noexcept = 0;
};

}  // namespace warden
