#pragma once

#include "host/alerts/channel_instance.hpp"

#include <warden/alert_channel.hpp>

#include <cstdint>

namespace warden::host {

/// The longest a Retry-After is honoured (beyond it the vendor's answer is not believed).
inline constexpr std::int64_t kMaxRetryAfterMs = 3'600'000;

/// Whether a failed delivery is worth another attempt: transport errors, 408, 429, 5xx, and a
/// vendor error inside a 2xx (rate limits come that way) are; other 4xx answers (a wrong token, a
/// bad request) are not.
bool is_retryable(const Delivery& delivery);

/// The delay before the next attempt after `failed_attempts` failures (1 for the first retry):
/// `backoff * 2^(n-1)`, capped at `max_backoff`, with equal jitter (between half and all of it,
/// `random01` in [0, 1) choosing where). A Retry-After (with any status) is honoured: the delay is
/// at least that long, up to kMaxRetryAfterMs, even beyond `max_backoff`.
std::int64_t retry_delay_ms(const DeliveryPolicy& policy, int failed_attempts,
                            const Delivery& delivery, double random01);

}  // namespace warden::host
