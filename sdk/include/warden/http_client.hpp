#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace warden {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

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
  std::string header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
      if (k.size() == name.size() &&
          std::equal(k.begin(), k.end(), name.begin(),
                     [](char a, char b) { return (a | 0x20) == (b | 0x20); }))
        return v;
    }
    return {};
  }
};

/// The host's HTTP(S) client. Blocking; never throws: transport failures come back in `error`.
/// Response bodies are capped by the host (8 MiB); a larger one is an error.
class HttpClient {
 public:
  virtual ~HttpClient() = default;
  virtual HttpResponse send(const HttpRequest& request) noexcept = 0;
};

}  // namespace warden
