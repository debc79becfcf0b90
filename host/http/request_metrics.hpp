#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

namespace warden::host::http {

/// Counts answered requests by status class and their durations, lock-free, for GET /metrics.
class RequestMetrics {
 public:
  void record(int status, double milliseconds) noexcept;
  /// Prometheus text format: warden_http_requests_total{code="2xx"} and the
  /// warden_http_request_duration_seconds histogram.
  std::string prometheus() const;

 private:
  static constexpr std::array<double, 8> kBucketsMs = {1, 5, 10, 25, 50, 100, 500, 1000};
  std::array<std::atomic<std::uint64_t>, 6> by_class_{};  // index = status / 100 (0: other)
  std::array<std::atomic<std::uint64_t>, kBucketsMs.size()> buckets_{};
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> total_us_{0};
};

}  // namespace warden::host::http
