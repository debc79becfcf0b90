#include "host/http/request_metrics.hpp"

#include <iomanip>
#include <sstream>

namespace warden::host::http {

void RequestMetrics::record(int status, double milliseconds) noexcept {
  std::size_t cls = status >= 100 && status < 600 ? static_cast<std::size_t>(status / 100) : 0;
  by_class_[cls].fetch_add(1, std::memory_order_relaxed);
  for (std::size_t i = 0; i < kBucketsMs.size(); ++i)
    if (milliseconds <= kBucketsMs[i]) buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  total_us_.fetch_add(static_cast<std::uint64_t>(milliseconds * 1000), std::memory_order_relaxed);
}

std::string RequestMetrics::prometheus() const {
  std::ostringstream out;
  out << "# HELP warden_http_requests_total HTTP requests answered, by status class.\n"
      << "# TYPE warden_http_requests_total counter\n";
  for (std::size_t cls = 1; cls < by_class_.size(); ++cls)
    out << "warden_http_requests_total{code=\"" << cls << "xx\"} " << by_class_[cls].load() << "\n";
  out << "# HELP warden_http_request_duration_seconds Time from request to answer.\n"
      << "# TYPE warden_http_request_duration_seconds histogram\n";
  for (std::size_t i = 0; i < kBucketsMs.size(); ++i)
    out << "warden_http_request_duration_seconds_bucket{le=\"" << kBucketsMs[i] / 1000 << "\"} "
        << buckets_[i].load() << "\n";
  out << "warden_http_request_duration_seconds_bucket{le=\"+Inf\"} " << count_.load() << "\n"
      << "warden_http_request_duration_seconds_sum " << std::fixed << std::setprecision(6)
      << static_cast<double>(total_us_.load()) / 1e6 << "\n"
      << "warden_http_request_duration_seconds_count " << count_.load() << "\n";
  return out.str();
}

}  // namespace warden::host::http
