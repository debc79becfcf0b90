#pragma once

#include <Poco/Data/Session.h>

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace warden::host {

class PgWriter;
class SqliteWriter;

/// Which host writes work (tasks, timers, notices, actions) on a database shared by several
/// hosts: each host holds a lease of its own (`host:<id>` in the leases table, host_table.hpp) at
/// one epoch. Once held, every work transaction's first statement checks that lease is still
/// (this host, epoch) and locks it FOR SHARE until the commit, so a host whose lease lapsed and was
/// taken over fails its write instead of overwriting the work another host claimed, and a
/// takeover waits for the writes that passed the check. The same id is the owner written on every
/// task and timer row this host stores. Unset, the check is nothing and the owner is "".
class WorkFence {
 public:
  void hold(std::string host_id, std::int64_t epoch);
  void release();
  /// The host id rows are written under; "" before hold.
  std::string owner() const;
  /// Inside an open transaction; throws (Poco's or DatabaseError) with "lost the work lease".
  void check(Poco::Data::Session& session) const;
  void check(PgWriter& writer) const;
  void check(SqliteWriter&) const {}  // one host per SQLite file: nothing to fence

 private:
  struct Held {
    std::string lease;  ///< "host:<id>"
    std::string host_id;
    std::int64_t epoch;
  };
  std::optional<Held> held() const;

  mutable std::mutex mutex_;
  std::optional<Held> held_;
};

/// Inside an open transaction: calls `claim(owner)` for each host other than `self_id` whose lease
/// is released (it stopped, or was fenced once its lease lapsed), that lease locked FOR SHARE so
/// the host cannot come back (take its lease) while its rows move; stops when `claim` answers
/// false. What such a host owned may be claimed.
void for_each_gone_host(Poco::Data::Session& session, const std::string& self_id,
                        const std::function<bool(const std::string& owner)>& claim);

/// What a claim's SELECT ends with: " FOR UPDATE SKIP LOCKED" on PostgreSQL (hosts claiming at
/// once share the rows), nothing on SQLite (one writer at a time).
std::string skip_locked(const Poco::Data::Session& session);

}  // namespace warden::host
