#include "host/cluster/host_membership.hpp"

#include "host/cluster/lease_clock.hpp"

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
  try {
    if (held_) {
      database_.fence().release();
      table_.release_work(options_.host_id, epoch_);
    }
    table_.remove_host(options_.host_id);
  } catch (const std::exception& e) {
    spdlog::warn("host {}: leaving the hosts table failed: {}", options_.host_id, e.what());
  }
}

bool HostMembership::acquire(const std::function<bool()>& stopping,
                             const std::function<void()>& on_standby) {
  table_.register_host(options_.host_id, options_.address, ::getpid(), "standby");
  bool said = false;
  while (!stopping()) {
    const auto sent = Clock::now();
    if (auto epoch = table_.take_work(options_.host_id, options_.ttl.count())) {
      epoch_ = *epoch;
      held_ = true;
      database_.fence().hold(options_.host_id, epoch_);
      table_.heartbeat(options_.host_id, "active");
      spdlog::info("host {} holds the work lease (epoch {}, {} s unrenewed)", options_.host_id,
                   epoch_, options_.ttl.count() / 1000);
      renewed_ = sent.time_since_epoch().count();
      renewer_ = std::jthread([this](std::stop_token stop) { renew_loop(stop); });
      watchdog_ = std::jthread([this](std::stop_token stop) { watch(stop); });
      return true;
    }
    if (!said) {
      const auto lease = table_.work_lease();
      spdlog::info("host {} is a standby: host {} holds the work lease for {} ms more",
                   options_.host_id, lease.holder, lease.expires_ms - lease.now_ms);
      said = true;
      if (on_standby) on_standby();
    }
    table_.heartbeat(options_.host_id, "standby");
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, options_.standby_poll, [&] { return stopping(); });
  }
  return false;
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

void HostMembership::renew_loop(std::stop_token stop) {
  const LeaseClock lease{Clock::time_point(Clock::duration(renewed_.load())), options_.ttl};
  const auto retry =
      std::min<std::chrono::milliseconds>(options_.ttl / 10, std::chrono::seconds(1));
  auto next = lease.renew_at();
  while (!stop.stop_requested()) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait_until(lock, stop, next, [] { return false; });
    }
    if (stop.stop_requested()) return;
    const auto sent = Clock::now();
    try {
      if (!table_.renew_work(options_.host_id, epoch_, options_.ttl.count())) {
        const auto taken = table_.work_lease();
        lost("host " + taken.holder + " took the work lease (epoch " + std::to_string(taken.epoch) +
             ")");
        return;
      }
      renewed_ = sent.time_since_epoch().count();
      next = LeaseClock{sent, options_.ttl}.renew_at();
      table_.heartbeat(options_.host_id, "active");
    } catch (const std::exception& e) {
      spdlog::warn("host {}: renewing the work lease failed: {}", options_.host_id, e.what());
      next = Clock::now() + retry;
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
      lost("the work lease could not be renewed for " +
           std::to_string((options_.ttl - options_.ttl / 10).count()) + " ms");
      return;
    }
  }
}

}  // namespace warden::host
