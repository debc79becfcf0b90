#pragma once

#include "host/queue/outbox_message.hpp"

#include <Poco/Data/Session.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace warden::host {

class Database;
class PgWriter;
class PgWriterSlot;

/// The transactional outbox (the `outbox` table): messages written in the same transaction as
/// what they announce (a task, an action), then handed to Kafka by the OutboxRelay of the host that
/// wrote them. A row is `pending` until the broker acknowledged it (`sent`), or `failed` when the
/// broker refused it for good. Payloads are sealed at rest: a task's condition may hold secrets.
class OutboxStore {
 public:
  explicit OutboxStore(Database& database);
  ~OutboxStore();
  OutboxStore(const OutboxStore&) = delete;
  OutboxStore& operator=(const OutboxStore&) = delete;

  /// Inside the caller's open transaction (a task batch's): the rows, owned by this host.
  static void append(const Database& database, Poco::Data::Session& session,
                     const std::vector<OutboxMessage>& messages);
  static void append(const Database& database, PgWriter& writer,
                     const std::vector<OutboxMessage>& messages);
  /// In a transaction of its own.
  void append(const std::vector<OutboxMessage>& messages);

  /// Up to `limit` pending rows of this host due by `now_ms` (their next attempt) and made by
  /// `made_by_ms`, oldest first.
  std::vector<OutboxMessage> due(std::int64_t now_ms, std::size_t limit,
                                 std::int64_t made_by_ms = INT64_MAX);
  void mark_sent(const std::vector<std::string>& ids, std::int64_t now_ms);
  /// A delivery that failed and is tried again from `next_ms`.
  void mark_retry(const std::string& id, int attempts, std::int64_t next_ms,
                  const std::string& error);
  void mark_failed(const std::string& id, int attempts, const std::string& error);
  /// Takes over the pending rows of hosts whose lease lapsed; returns how many.
  std::size_t claim_gone_hosts();
  /// Deletes sent rows sent before `before_ms`; returns how many.
  std::size_t prune_sent(std::int64_t before_ms);
  /// Every host's rows.
  OutboxCounts counts();

 private:
  Database& database_;
};

}  // namespace warden::host
