#include "host/queue/delivery_retry.hpp"

#include <librdkafka/rdkafkacpp.h>

#include <algorithm>

namespace warden::host {

DeliveryVerdict after_failed_delivery(bool permanent, int attempts, std::int64_t now_ms) {
  if (permanent) return {false, 0};
  const int doublings = std::clamp(attempts - 1, 0, 5);  // 1, 2, 4, 8, 16, then 30 s
  const std::int64_t delay_ms = std::min<std::int64_t>(30'000, 1000LL << doublings);
  return {true, now_ms + delay_ms};
}

bool is_permanent_delivery_error(int error_code) {
  switch (static_cast<RdKafka::ErrorCode>(error_code)) {
    case RdKafka::ERR_MSG_SIZE_TOO_LARGE:
    case RdKafka::ERR_INVALID_MSG:
    case RdKafka::ERR_INVALID_RECORD:
    case RdKafka::ERR_RECORD_LIST_TOO_LARGE:
    case RdKafka::ERR_TOPIC_AUTHORIZATION_FAILED:
    case RdKafka::ERR_CLUSTER_AUTHORIZATION_FAILED:
    case RdKafka::ERR_TOPIC_EXCEPTION:
    case RdKafka::ERR__INVALID_ARG:
    case RdKafka::ERR_INVALID_REQUIRED_ACKS:
      return true;
    default:
      return false;
  }
}

}  // namespace warden::host
