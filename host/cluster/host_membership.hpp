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
  /// How often a host that does not coordinate tries the work lease.
  std::chrono::milliseconds coordinator_poll{1'000};
};

/// This host's place among the hosts sharing its database (docs/ARCHITECTURE.md, "Several
/// hosts"). Every host holds a lease of its own and runs the tasks and timers it owns; one of them
/// also holds the work lease and coordinates: alerts, notices and actions. Both leases are renewed
/// three times a TTL on a thread of their own; a host that cannot renew in time, or finds its
/// lease taken, calls `on_lost` (serve exits: everything it did is committed, and whatever it was
/// still doing is fenced by the database, WorkFence).
class HostMembership {
 public:
  HostMembership(Database& database, HostMembershipOptions options,
                 std::function<void(const std::string& why)> on_lost);
  /// Stops renewing, gives the leases up and removes this host's row.
  ~HostMembership();
  HostMembership(const HostMembership&) = delete;
  HostMembership& operator=(const HostMembership&) = delete;

  /// Registers this host, takes its own lease (the fence is set), tries the work lease once and
  /// starts renewing. Returns whether this host coordinates.
  bool join();
  /// From now on a host that does not coordinate tries the work lease every `coordinator_poll`
  /// and, once it holds it, calls `on_coordinating` on a thread of its own.
  void run(std::function<void()> on_coordinating);
  /// From now on `on_coordinating` is not called (and a call under way has returned): before what
  /// it starts is gone.
  void forget_on_coordinating();
  /// The address once the server listens.
  void serving_at(const std::string& address);
  /// True while this host holds its own lease by its own clock: what gates every plugin call.
  /// False before join, and at once after a pause past the TTL (the clock jumped).
  bool holds_lease() const;
  bool coordinates() const { return work_epoch_.load() > 0; }
  const std::string& host_id() const { return options_.host_id; }

 private:
  void renew_loop(std::stop_token stop);
  void watch(std::stop_token stop);
  void lost(const std::string& why);  // calls on_lost_ once
  bool may_coordinate();              // run() was called
  void heartbeat() noexcept;

  Database& database_;
  HostTable table_;
  HostMembershipOptions options_;
  std::function<void(const std::string&)> on_lost_;
  std::mutex on_coordinating_mutex_;
  std::function<void()> on_coordinating_;
  std::int64_t host_epoch_ = 0;
  std::atomic<std::int64_t> work_epoch_{0};
  std::atomic<bool> held_{false};
  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::atomic<std::chrono::steady_clock::rep> renewed_{0};  // the last renewal's send time
  std::atomic<bool> lost_{false};
  std::jthread coordinating_;
  std::jthread renewer_;
  std::jthread watchdog_;
};

}  // namespace warden::host
