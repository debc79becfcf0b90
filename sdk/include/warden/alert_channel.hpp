#pragma once

#include <warden/alert.hpp>
#include <warden/plugin.hpp>
#include <warden/status.hpp>

#include <string>

namespace warden {

/// The outcome of one delivery attempt.
struct Delivery {
  bool delivered = false;
  std::string detail;      ///< the vendor's answer, or why it failed
  int http_status = 0;     ///< when the channel spoke HTTP
  int retry_after_s = -1;  ///< the vendor's Retry-After, when it gave one
};

/// Delivers an alert through one configured channel instance (`config()` holds its fields).
class AlertChannel : public Plugin {
 public:
  /// Send `alert`; report the vendor's answer. May throw: the host records it as a failure.
  virtual Delivery send(const Alert& alert) = 0;

  // ---- host-facing ----
  Delivery deliver(const Alert& alert) noexcept {
    Delivery out;
    Status s = detail::guarded([&] {
      out = send(alert);
      return Status::success();
    });
    if (!s.ok) out = Delivery{false, s.message};
    return out;
  }
};

}  // namespace warden
