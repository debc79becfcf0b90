#include "host/alerts/retry_policy.hpp"

#include <algorithm>

namespace warden::host {

bool is_retryable(const Delivery& d) {
  if (d.http_status == 0) return true;  // no answer: refused, reset, timed out
  if (d.http_status == 408 || d.http_status == 429) return true;
  if (d.http_status >= 500) return true;
  return d.http_status >= 200 && d.http_status < 300;  // an error inside a 2xx
}

std::int64_t retry_delay_ms(const DeliveryPolicy& policy, int failed_attempts,
                            const Delivery& delivery, double random01) {
  const int doublings = std::clamp(failed_attempts - 1, 0, 40);
  std::int64_t base = policy.backoff_ms;
  for (int i = 0; i < doublings && base < policy.max_backoff_ms; ++i) base *= 2;
  base = std::min(base, policy.max_backoff_ms);
  const double jitter = std::clamp(random01, 0.0, 1.0);
  std::int64_t delay =
      base / 2 + static_cast<std::int64_t>(static_cast<double>(base - base / 2) * jitter);
  if (delivery.retry_after_s >= 0)
    delay = std::max(delay, std::min<std::int64_t>(std::int64_t{delivery.retry_after_s} * 1000,
                                                   kMaxRetryAfterMs));
  return delay;
}

}  // namespace warden::host
