#pragma once

#include <warden/http_client.hpp>

#include <chrono>

namespace warden::host {

/// Another HTTP client with every request's timeout set to one value (a channel instance's).
class TimeoutHttpClient : public HttpClient {
 public:
  TimeoutHttpClient(HttpClient& inner, std::chrono::milliseconds timeout)
      : inner_(inner), timeout_(timeout) {}
  HttpResponse send(const HttpRequest& request) noexcept override {
    try {
      HttpRequest copy = request;
      copy.timeout = timeout_;
      return inner_.send(copy);
    } catch (...) {  // out of memory copying the request
      HttpResponse failed;
      failed.error = "out of memory";
      return failed;
    }
  }

 private:
  HttpClient& inner_;
  std::chrono::milliseconds timeout_;
};

}  // namespace warden::host
