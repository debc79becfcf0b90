#pragma once

#include <warden/http_client.hpp>

#include <algorithm>
#include <chrono>
#include <string>
#include <string_view>

namespace warden::host {

/// Another HTTP client for one delivery: every request's timeout set to one value (a channel
/// instance's) and, when given, an `X-Warden-Notice-Id` header naming the notice, in place of any
/// the plugin set, so a receiver can drop the rare repeat of a notice (README, "Several hosts").
class TimeoutHttpClient : public HttpClient {
 public:
  TimeoutHttpClient(HttpClient& inner, std::chrono::milliseconds timeout,
                    std::string notice_id = {})
      : inner_(inner), timeout_(timeout), notice_id_(std::move(notice_id)) {}
  HttpResponse send(const HttpRequest& request) noexcept override {
    try {
      HttpRequest copy = request;
      copy.timeout = timeout_;
      if (!notice_id_.empty()) {
        std::erase_if(copy.headers,
                      [](const auto& header) { return header_is(header.first, kNoticeIdHeader); });
        copy.headers.emplace_back(kNoticeIdHeader, notice_id_);
      }
      return inner_.send(copy);
    } catch (...) {  // out of memory copying the request
      HttpResponse failed;
      failed.error = "out of memory";
      return failed;
    }
  }

  static constexpr const char* kNoticeIdHeader = "X-Warden-Notice-Id";

 private:
  static bool header_is(const std::string& name, std::string_view wanted) {
    return name.size() == wanted.size() &&
           std::equal(name.begin(), name.end(), wanted.begin(),
                      [](char a, char b) { return (a | 0x20) == (b | 0x20); });
  }

  HttpClient& inner_;
  std::chrono::milliseconds timeout_;
  std::string notice_id_;
};

}  // namespace warden::host
