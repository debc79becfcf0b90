#pragma once

#include <Poco/Data/Session.h>

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

namespace warden::host {

class PgWriter;
class SqliteWriter;

/// Which host may write work (tasks, timers, notices, actions) on a PostgreSQL database shared by
/// several hosts: the holder of the work lease at one epoch (host_table.hpp). Once held, every
/// work transaction's first statement checks the lease row is still (holder, epoch) and locks it
/// FOR SHARE until the commit, so a host that lost its lease fails its write instead of
/// overwriting its successor's, and a takeover waits for the writes that passed the check.
/// Unset (SQLite, or a host before it holds the lease), the check is nothing.
class WorkFence {
 public:
  void hold(std::string holder, std::int64_t epoch);
  void release();
  /// Inside an open transaction; throws (Poco's or DatabaseError) with "lost the work lease".
  void check(Poco::Data::Session& session) const;
  void check(PgWriter& writer) const;
  void check(SqliteWriter&) const {}  // one host per SQLite file: nothing to fence

 private:
  struct Held {
    std::string holder;
    std::int64_t epoch;
  };
  std::optional<Held> held() const;

  mutable std::mutex mutex_;
  std::optional<Held> held_;
};

}  // namespace warden::host
