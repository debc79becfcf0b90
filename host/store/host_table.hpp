#pragma once

#include "host/store/database.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace warden::host {

/// A host as the hosts table has it. Times are the database's clock, in ms since the epoch.
struct HostRow {
  std::string host_id;
  std::string address;  ///< where it serves HTTP (empty while it has not started serving)
  std::int64_t pid = 0;
  std::int64_t started_ms = 0;
  std::int64_t heartbeat_ms = 0;
  std::string role;         ///< "coordinator" (holds the work lease) or "member"
  std::int64_t age_ms = 0;  ///< since its last heartbeat, by the database's clock
};

/// The work lease as stored: who holds it, at which epoch, until when.
struct WorkLease {
  std::string holder;
  std::int64_t epoch = 0;
  std::int64_t expires_ms = 0;
  std::int64_t now_ms = 0;  ///< the database's clock when read
};

/// The hosts table and the work lease (migration 21). Every time is taken from the database's
/// clock (PostgreSQL's clock_timestamp(), SQLite's julianday('now')), so hosts whose clocks
/// disagree still agree on who holds the lease. Each call is one short transaction.
class HostTable {
 public:
  explicit HostTable(Database& database) : database_(database) {}

  /// Inserts or replaces this host's row, heartbeat now.
  void register_host(const std::string& host_id, const std::string& address, std::int64_t pid,
                     const std::string& role);
  /// Heartbeat now; false when the row is gone (removed by a clean stop of a host of that id).
  bool heartbeat(const std::string& host_id, const std::string& role);
  /// Where the host serves, once it does.
  void set_address(const std::string& host_id, const std::string& address);
  void remove_host(const std::string& host_id);
  /// Every registered host, oldest first.
  std::vector<HostRow> list();

  /// Takes this host's own lease (`host:<id>`) for `ttl_ms`, whoever had it: the epoch grows by
  /// one at every take, so a host restarted under its id fences its old self. Returns the epoch.
  std::int64_t take_host(const std::string& host_id, std::int64_t ttl_ms);
  /// Takes the work lease (the coordinator's: alerts, notices, actions) for `ttl_ms` when it is
  /// free, already this host's, or held by a host whose own lease lapsed (that lease is then
  /// fenced in the same transaction). Returns the epoch held, or nothing.
  std::optional<std::int64_t> take_work(const std::string& host_id, std::int64_t ttl_ms);
  struct Renewed {
    bool host = false;
    bool work = false;
  };
  /// Extends this host's lease held at `host_epoch`, and the work lease held at `work_epoch` (0:
  /// not held), by `ttl_ms` from now, in one transaction.
  Renewed renew(const std::string& host_id, std::int64_t host_epoch, std::int64_t work_epoch,
                std::int64_t ttl_ms);
  /// Gives this host's leases up at once (a clean stop), so the others need not wait out the TTL.
  void release(const std::string& host_id, std::int64_t host_epoch, std::int64_t work_epoch);
  /// Fences every host lease that lapsed (holder cleared, epoch + 1): from then on that host's
  /// writes fail and its work may be claimed. Returns those hosts' ids.
  std::vector<std::string> fence_lapsed_hosts();
  /// The host ids whose own lease is held and not lapsed.
  std::vector<std::string> live_hosts();
  WorkLease work_lease();

  /// What each host owns that is still to run: `waiting` or `running` tasks and `pending` or
  /// `armed` timers, by host id.
  struct Holdings {
    std::int64_t tasks = 0;
    std::int64_t timers = 0;
  };
  std::map<std::string, Holdings> holdings();

 private:
  Database& database_;
};

}  // namespace warden::host
