#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace warden::host {

/// One message for Kafka, as the outbox keeps it until the broker has it.
struct OutboxMessage {
  std::string id;  ///< a UUIDv7 (so ids sort by creation); also the `warden-outbox-id` header
  std::string topic;
  std::string key;
  std::string payload;  ///< the value's bytes (UTF-8 JSON)
  std::vector<std::pair<std::string, std::string>> headers;
  std::int64_t created_ms = 0;
  int attempts = 0;  ///< deliveries tried so far
};

/// The outbox's rows by state, for /metrics.
struct OutboxCounts {
  std::int64_t pending = 0;
  std::int64_t failed = 0;
  std::int64_t oldest_pending_ms = 0;  ///< created_ms of the oldest pending row; 0: none
};

}  // namespace warden::host
