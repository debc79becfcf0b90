#include "host/services/timeout_http_client.hpp"

#include <gtest/gtest.h>

namespace warden::host {
namespace {

/// Keeps the last request it was given.
class Recorder : public HttpClient {
 public:
  HttpResponse send(const HttpRequest& request) noexcept override {
    last = request;
    return {};
  }
  HttpRequest last;
};

TEST(TimeoutHttpClient, SetsTheTimeoutAndNamesTheNoticeInPlaceOfAnyHeaderThePluginSet) {
  Recorder inner;
  TimeoutHttpClient http(inner, std::chrono::milliseconds(1234), "nt_1");
  HttpRequest request;
  request.headers = {{"x-warden-notice-id", "forged"}, {"X-Other", "kept"}};
  http.send(request);
  EXPECT_EQ(inner.last.timeout, std::chrono::milliseconds(1234));
  EXPECT_EQ(inner.last.headers, (HttpHeaders{{"X-Other", "kept"}, {"X-Warden-Notice-Id", "nt_1"}}));

  TimeoutHttpClient plain(inner, std::chrono::milliseconds(5));
  plain.send(request);
  EXPECT_EQ(inner.last.headers, request.headers);  // no notice: nothing added or taken away
}

}  // namespace
}  // namespace warden::host
