#pragma once

#include "host/queue/outbox_message.hpp"
#include "host/queue/outbox_store.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace warden::host {

class Clock;

struct OutboxRelayOptions {
  /// librdkafka's producer properties (producer_properties(): idempotence on).
  std::vector<std::pair<std::string, std::string>> properties;
  std::string host_id;                 ///< the `warden-host` header
  std::size_t max_in_flight = 10'000;  ///< messages handed to librdkafka, not yet reported
  std::int64_t rescan_ms = 1000;       ///< how often the table is read for due rows
  /// Rows younger than this are left to the hand-off (`committed`) by the rescan: reading and
  /// opening rows that are already on their way would only slow the relay down.
  std::int64_t rescan_min_age_ms = 2000;
  std::int64_t keep_sent_ms = 24LL * 3600'000;  ///< sent rows kept this long, then deleted
  const Clock* clock = nullptr;                 ///< system clock when null
};

/// Hands the outbox's rows to Kafka. One thread owns the producer: it produces what was just
/// committed (handed in by `committed`) and, every `rescan_ms`, every pending row due (after a
/// restart, a failed delivery's backoff, rows taken over from a host that died). A row is marked
/// sent when its delivery report says the broker has it, so delivery is at least once: a message
/// delivered but not yet marked when the host dies is sent again after the restart.
class OutboxRelay {
 public:
  /// Throws std::runtime_error when librdkafka refuses the properties.
  OutboxRelay(OutboxStore& store, OutboxRelayOptions options);
  ~OutboxRelay();
  OutboxRelay(const OutboxRelay&) = delete;
  OutboxRelay& operator=(const OutboxRelay&) = delete;

  void start();
  /// Hands what is not yet delivered to the broker for up to 5 s, then stops. Idempotent.
  void stop();

  /// Rows just committed: produced at once rather than at the next rescan. May drop them when
  /// many wait (the rescan finds them).
  void committed(std::vector<OutboxMessage> messages);

  struct Counts {
    std::uint64_t sent = 0, retries = 0, failed = 0;
  };
  Counts counts() const { return {sent_.load(), retries_.load(), failed_.load()}; }
  OutboxStore& store() { return store_; }

 private:
  class Producer;
  void loop();

  OutboxStore& store_;
  OutboxRelayOptions options_;
  std::unique_ptr<Producer> producer_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<OutboxMessage> inbox_;
  bool stopping_ = false;
  std::atomic<std::uint64_t> sent_{0}, retries_{0}, failed_{0};
  std::thread thread_;
};

}  // namespace warden::host
