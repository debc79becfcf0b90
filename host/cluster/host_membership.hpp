#pragma once

#include "host/store/database.hpp"
#include "host/store/host_table.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace warden::host {

struct HostMembershipOptions {
  std::string host_id;  ///< unique among the running hosts of one database
  std::string address;  ///< where this host will serve, for GET /api/hosts
  std::chrono::milliseconds ttl{15'000};
  std::chrono::milliseconds standby_poll{1'000};  ///< how often a standby tries the lease
};

/// This host's place among the hosts sharing its database (docs/ARCHITECTURE.md, "Several
/// hosts"). One host at a time holds the work lease and runs the work (tasks, timers, notices,
/// actions); the others wait as standbys and take the lease once it expires. The holder renews it
/// three times a TTL on a thread of its own; a holder that cannot renew in time, or finds the
/// lease taken, calls `on_lost` (serve exits: everything it did is committed, and whatever it was
/// still doing is fenced by the database, WorkFence).
class HostMembership {
 public:
  HostMembership(Database& database, HostMembershipOptions options,
                 std::function<void(const std::string& why)> on_lost);
  /// Stops renewing, gives the lease up and removes this host's row.
  ~HostMembership();
  HostMembership(const HostMembership&) = delete;
  HostMembership& operator=(const HostMembership&) = delete;

  /// Registers this host and waits, as a standby, until it holds the work lease; then the fence
  /// is set and renewing starts. `on_standby` runs once if it has to wait. Returns false when
  /// `stopping` said so first.
  bool acquire(const std::function<bool()>& stopping, const std::function<void()>& on_standby = {});
  /// The address once the server listens.
  void serving_at(const std::string& address);
  std::int64_t epoch() const { return epoch_; }
  /// True while this host holds the lease by its own clock: what gates every plugin call. False
  /// before acquire, and at once after a pause past the TTL (the clock jumped).
  bool holds_lease() const;
  const std::string& host_id() const { return options_.host_id; }

 private:
  void renew_loop(std::stop_token stop);
  void watch(std::stop_token stop);
  void lost(const std::string& why);  // calls on_lost_ once

  Database& database_;
  HostTable table_;
  HostMembershipOptions options_;
  std::function<void(const std::string&)> on_lost_;
  std::int64_t epoch_ = 0;
  std::atomic<bool> held_{false};
  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::atomic<std::chrono::steady_clock::rep> renewed_{0};  // the last renewal's send time
  std::atomic<bool> lost_{false};
  std::jthread renewer_;
  std::jthread watchdog_;
};

}  // namespace warden::host
