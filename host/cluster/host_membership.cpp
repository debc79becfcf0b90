#include "host/cluster/host_membership.hpp"

#include "host/cluster/lease_clock.hpp"

#include <Poco/Exception.h>
#include <spdlog/spdlog.h>

#include <unistd.h>

namespace warden::host {

namespace {
using Clock = std::chrono::steady_clock;
}

HostMembership::HostMembership(Database& database, HostMembershipOptions options,
                               std::function<void(const std::string&)> on_lost)
    : database_(database),
      table_(database),
      options_(std::move(options)),
      on_lost_(std::move(on_lost)) {}

HostMembership::~HostMembership() {
  watchdog_ = {};  // each requests stop and joins
  renewer_ = {};
  coordinating_ = {};
  try {
    if (held_) {
      database_.fence().release();
      table_.release(options_.host_id, host_epoch_, work_epoch_);
    }
    table_.remove_host(options_.host_id);
  } catch (const std::exception& e) {
    spdlog::warn("host {}: leaving the hosts table failed: {}", options_.host_id, e.what());
  }
}

bool HostMembership::join() {
  const auto sent = Clock::now();
  table_.register_host(options_.host_id, options_.address, ::getpid(), "member");
  host_epoch_ = table_.take_host(options_.host_id, options_.ttl.count());
  held_ = true;
  renewed_ = sent.time_since_epoch().count();
  database_.fence().hold(options_.host_id, host_epoch_);
  if (auto epoch = table_.take_work(options_.host_id, options_.ttl.count())) work_epoch_ = *epoch;
  heartbeat();
  // Renewing starts now: what the host does before it serves (loading plugins, picking up its
  // work) may outlast the TTL.
  renewer_ = std::jthread([this](std::stop_token stop) { renew_loop(stop); });
  watchdog_ = std::jthread([this](std::stop_token stop) { watch(stop); });
  spdlog::info("host {} joined (epoch {}){}", options_.host_id, host_epoch_,
               coordinates() ? "; it coordinates (work lease epoch " +
                                   std::to_string(work_epoch_.load()) + ")"
                             : "");
  return coordinates();
}

void HostMembership::run(std::function<void()> on_coordinating) {
  std::lock_guard lock(on_coordinating_mutex_);
  on_coordinating_ = std::move(on_coordinating);
}

bool HostMembership::may_coordinate() {
  std::lock_guard lock(on_coordinating_mutex_);
  return static_cast<bool>(on_coordinating_);
}

void HostMembership::forget_on_coordinating() {
  std::lock_guard lock(on_coordinating_mutex_);
  on_coordinating_ = nullptr;
  coordinating_ = {};  // joins a call under way
}

void HostMembership::serving_at(const std::string& address) {
  options_.address = address;
  table_.set_address(options_.host_id, address);
}

bool HostMembership::holds_lease() const {
  if (!held_ || lost_) return false;
  const LeaseClock lease{Clock::time_point(Clock::duration(renewed_.load())), options_.ttl};
  return !lease.lost(Clock::now());
}

void HostMembership::lost(const std::string& why) {
  if (!lost_.exchange(true)) on_lost_(why);
}

void HostMembership::heartbeat() noexcept {
  try {
    table_.heartbeat(options_.host_id, coordinates() ? "coordinator" : "member");
  } catch (const std::exception& e) {
    spdlog::warn("host {}: heartbeat failed: {}", options_.host_id, e.what());
  }
}

void HostMembership::renew_loop(std::stop_token stop) {
  const auto retry =
      std::min<std::chrono::milliseconds>(options_.ttl / 10, std::chrono::seconds(1));
  auto next =
      LeaseClock{Clock::time_point(Clock::duration(renewed_.load())), options_.ttl}.renew_at();
  auto next_try = Clock::now() + options_.coordinator_poll;
  while (!stop.stop_requested()) {
    {
      std::unique_lock lock(mutex_);
      const auto wake = coordinates() ? next : std::min(next, next_try);
      wake_.wait_until(lock, stop, wake, [] { return false; });
    }
    if (stop.stop_requested()) return;
    const auto sent = Clock::now();
    try {
      if (sent >= next) {
        const auto renewed =
            table_.renew(options_.host_id, host_epoch_, work_epoch_, options_.ttl.count());
        if (!renewed.host || (coordinates() && !renewed.work)) {
          lost(renewed.host ? "another host took the work lease"
                            : "this host's lease was taken by another process under its id, or "
                              "fenced by another host once it lapsed");
          return;
        }
        renewed_ = sent.time_since_epoch().count();
        next = LeaseClock{sent, options_.ttl}.renew_at();
        heartbeat();
      }
      if (!coordinates() && Clock::now() >= next_try && holds_lease() && may_coordinate()) {
        next_try = Clock::now() + options_.coordinator_poll;
        if (auto epoch = table_.take_work(options_.host_id, options_.ttl.count())) {
          work_epoch_ = *epoch;
          spdlog::info("host {} coordinates from now on (work lease epoch {})", options_.host_id,
                       *epoch);
          heartbeat();
          std::lock_guard lock(on_coordinating_mutex_);
          if (on_coordinating_) coordinating_ = std::jthread(on_coordinating_);
        }
      }
    } catch (const Poco::Exception& e) {
      spdlog::warn("host {}: renewing its leases failed: {}", options_.host_id, e.displayText());
      next = Clock::now() + retry;
    } catch (const std::exception& e) {
      spdlog::warn("host {}: renewing its leases failed: {}", options_.host_id, e.what());
      next = Clock::now() + retry;  // renewing early is harmless
    }
  }
}

void HostMembership::watch(std::stop_token stop) {
  // Apart from the renewals, which may hang on an unreachable database.
  const auto every =
      std::min<std::chrono::milliseconds>(options_.ttl / 20, std::chrono::milliseconds(500));
  while (!stop.stop_requested()) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, stop, every, [] { return false; });
    }
    if (stop.stop_requested()) return;
    const LeaseClock lease{Clock::time_point(Clock::duration(renewed_.load())), options_.ttl};
    if (lease.lost(Clock::now())) {
      lost("the host's lease could not be renewed for " +
           std::to_string((options_.ttl - options_.ttl / 10).count()) + " ms");
      return;
    }
  }
}

}  // namespace warden::host
