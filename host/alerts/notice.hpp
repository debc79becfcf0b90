#pragma once

#include <warden/alert.hpp>

#include <Poco/Types.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace warden::host {

/// A notice's life cycle (seed 002): created -> sending -> sent | failed, or blocked by a
/// circuit-breaking rule (kept with its alert so it can be replayed).
namespace notice_status {
inline constexpr const char* created = "created";  ///< stored; waiting for its turn or its window
inline constexpr const char* sending = "sending";  ///< in a channel's queue, or between retries
inline constexpr const char* sent = "sent";
inline constexpr const char* failed = "failed";    ///< every attempt failed
inline constexpr const char* blocked = "blocked";  ///< a circuit-breaking rule matched
bool known(std::string_view status);
bool ended(std::string_view status);  ///< sent, failed or blocked
}  // namespace notice_status

/// One delivery of one alert through one channel instance, as stored (table `notices`).
struct Notice {
  std::string notice_id;     ///< `nt_<uuid v7>`
  std::string channel_name;  ///< the channel instance
  std::string channel;       ///< its plugin's key, when the notice was made
  std::string origin;        ///< where the alert came from: api, alertmanager, plugin:<key>, test
  std::string status = notice_status::created;
  std::string alert_json;  ///< the alert (SPEC §6), as given
  std::string dedupe_key;
  Poco::Int64 aggregated = 1;  ///< alerts this notice stands for (de-duplication)
  Poco::Int64 attempts = 0;    ///< deliveries tried so far
  Poco::Int64 next_ms = 0;     ///< when the next attempt is due (created/sending)
  Poco::Int64 create_ms = 0, update_ms = 0, end_ms = 0;
  std::string error;   ///< why the last attempt failed
  std::string detail;  ///< the vendor's last answer
  Poco::Int64 http_status = 0;
  std::string template_error;  ///< alertTpl failed; the notice went out with the fallback
  std::string blocked_by;      ///< the circuit-breaking rule that matched
  /// The notice whose row holds the alert, when this one's does not: an alert sent to several
  /// channels is stored once, with the first of its notices. Reads fill `alert_json` in.
  std::string alert_of;

  /// Not a column: the row only records how the notice stands (status, attempts, next_ms,
  /// update_ms, end_ms, error); the rest is stored already. What a notice parked behind a down
  /// channel, held in memory without its alert, is written with.
  bool outcome_only = false;

  /// The alert itself when it was raised in this process (not a column: read back from
  /// `alert_json` after a restart).
  std::shared_ptr<const Alert> alert;

  static constexpr std::size_t kFields = 19;
  template <class Visit>
  void fields(Visit&& visit) {
    visit(notice_id), visit(channel_name), visit(channel), visit(origin), visit(status),
        visit(alert_json), visit(dedupe_key), visit(aggregated), visit(attempts), visit(next_ms),
        visit(create_ms), visit(update_ms), visit(end_ms), visit(error), visit(detail),
        visit(http_status), visit(template_error), visit(blocked_by), visit(alert_of);
  }
};

/// `nt_<uuid v7>`.
std::string make_notice_id(std::int64_t unix_ms);
/// The least notice id made at or after `unix_ms`: ids sort as the times they were made do (their
/// UUIDv7 starts with the milliseconds, in hex), so a time range is a range of ids.
std::string notice_id_floor(std::int64_t unix_ms);

}  // namespace warden::host
