#pragma once

#include <chrono>

namespace warden::host {

/// What a lease holder knows of its lease by its own monotonic clock (pure; time passed in).
/// A renewal's time is taken before its statement is sent, so the database's expiry is never
/// earlier than `renewed + ttl`; the holder gives up a tenth of the TTL before even that.
struct LeaseClock {
  std::chrono::steady_clock::time_point renewed;
  std::chrono::milliseconds ttl;

  /// True once the lease may have expired in the database: the holder must stop working.
  bool lost(std::chrono::steady_clock::time_point now) const {
    return now - renewed >= ttl - ttl / 10;
  }
  /// When the next renewal is due: three a TTL, so two may fail before the lease is lost.
  std::chrono::steady_clock::time_point renew_at() const { return renewed + ttl / 3; }
};

}  // namespace warden::host
