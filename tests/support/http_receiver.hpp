#pragma once

#include <warden/http_client.hpp>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace Poco {
class ThreadPool;
namespace Net {
class HTTPServer;
class ServerSocket;
}  // namespace Net
}  // namespace Poco

namespace warden::test {

/// One request as the receiver got it.
struct ReceivedRequest {
  std::string method;
  std::string uri;   ///< path and query, as sent
  std::string path;  ///< without the query
  HttpHeaders headers{};
  std::string body;

  /// The first header of that name (case-insensitive), or "".
  std::string header(std::string_view name) const;
};

/// What the receiver answers.
struct CannedResponse {
  int status = 200;
  std::string body = "ok";
  std::string content_type = "text/plain";
  HttpHeaders headers{};
  std::chrono::milliseconds delay{0};  ///< waited after recording the request, before answering
};

/// A TLS server's files.
struct TlsFiles {
  std::filesystem::path certificate;  ///< PEM; self-signed, so also the CA a client must trust
  std::filesystem::path private_key;  ///< PEM
};

/// Makes a self-signed certificate for 127.0.0.1 and localhost in `dir` with the openssl CLI.
/// Throws std::runtime_error with openssl's output when that fails.
TlsFiles make_self_signed_certificate(const std::filesystem::path& dir);

/// A real HTTP(S) server on 127.0.0.1 and a free port that records every request (thread-safe) and
/// answers with a canned response chosen by path. Stops on destruction.
class HttpReceiver {
 public:
  /// Plain HTTP.
  HttpReceiver();
  /// HTTPS with the given certificate and key.
  explicit HttpReceiver(const TlsFiles& tls);
  ~HttpReceiver();
  HttpReceiver(const HttpReceiver&) = delete;
  HttpReceiver& operator=(const HttpReceiver&) = delete;

  int port() const { return port_; }
  /// `http://127.0.0.1:<port><path>` (https for a TLS receiver).
  std::string url(std::string_view path = "/") const;

  /// Answers requests to exactly `path` (no query) with `response`.
  void respond(const std::string& path, CannedResponse response);
  /// Answers requests to any other path with `response` (at first: 200 "ok").
  void respond_to_others(CannedResponse response);

  /// Every request received so far, in order of arrival.
  std::vector<ReceivedRequest> requests() const;
  /// Waits until at least `count` requests arrived; false on timeout.
  bool wait_for(std::size_t count,
                std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

  struct State;

 private:
  void start(const Poco::Net::ServerSocket& socket);

  std::shared_ptr<State> state_;
  std::unique_ptr<Poco::ThreadPool> threads_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  bool https_ = false;
  int port_ = 0;
};

}  // namespace warden::test
