#pragma once

#include <warden/http_client.hpp>

#include <Poco/Net/Context.h>

#include <cstddef>
#include <memory>
#include <string>

namespace warden::host {

/// The largest response body the client accepts; a larger one is an error.
inline constexpr std::size_t kMaxResponseBodyBytes = std::size_t{8} << 20;

class HttpSessionPool;

/// The host's HttpClient over Poco (HTTPClientSession, HTTPSClientSession with OpenSSL). Keeps
/// connections alive for the next request to the same server (HttpSessionPool; a request that
/// finds its kept connection closed is sent again on a new one), no redirects followed. Server
/// certificates are verified against the system CA store (and the host name, except for localhost).
/// Thread-safe.
class PocoHttpClient : public HttpClient {
 public:
  struct Options {
    /// A PEM file of further trusted CA certificates, added to the system store (a private CA, a
    /// test's self-signed certificate). Empty: the system store only.
    std::string extra_ca_file;
  };

  /// Throws Poco::Exception when the TLS context cannot be made (an unreadable CA file).
  PocoHttpClient();
  explicit PocoHttpClient(const Options& options);
  ~PocoHttpClient() override;

  /// Never throws: a URL it cannot use, a transport failure or an oversized body comes back in
  /// `error`, naming the server's host and port and the reason.
  HttpResponse send(const HttpRequest& request) noexcept override;

 private:
  Poco::Net::Context::Ptr tls_;
  std::unique_ptr<HttpSessionPool> pool_;
};

}  // namespace warden::host
