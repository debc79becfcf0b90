#pragma once

#include <cstdint>
#include <string>

namespace warden::host {

/// What becomes of an outbox row whose delivery failed: tried again at `next_ms`, or failed for
/// good. Pure: time passed in.
struct DeliveryVerdict {
  bool retry = true;
  std::int64_t next_ms = 0;
};

/// `permanent`: the broker refused the message itself (too large, not allowed, invalid), so
/// sending it again cannot help. Anything else (the broker down, a timeout, a leader moving) is
/// retried without end, after 1 s doubling to 30 s with the attempts made so far.
DeliveryVerdict after_failed_delivery(bool permanent, int attempts, std::int64_t now_ms);

/// The librdkafka error codes (RdKafka::ErrorCode values) that are permanent in that sense.
bool is_permanent_delivery_error(int error_code);

}  // namespace warden::host
