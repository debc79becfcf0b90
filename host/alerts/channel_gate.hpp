#pragma once

#include "host/alerts/notice.hpp"

#include <Poco/Types.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace warden::host {

/// What memory alone knows of a notice parked behind a down channel instance; the rest is stored,
/// and read back when the notice goes out (so thousands waiting hold no alert each).
struct ParkedNotice {
  std::string status;
  Poco::Int64 attempts = 0;  ///< when parked, or as last charged
  Poco::Int64 update_ms = 0;
  std::shared_ptr<const std::string> error;
  int charged_from = 0;  ///< the gate's probes_failed when parked (or last charged)
  int ends_at = 0;       ///< the probes_failed at which it is out of attempts

  /// The row that records its attempts (and its end, when `ended`): only those columns.
  Notice outcome_row(const std::string& notice_id, bool ended) const;
  /// Lays what memory knows over the stored `notice`.
  void overlay(Notice& notice) const;
};
using ParkedNotices = std::vector<std::pair<std::string, ParkedNotice>>;

/// Decides which deliveries go out while channel instances refuse or drop connections. Pure: no
/// I/O and no clock (times are passed in); the notice pipeline does what it decides. Thread-safe.
///
/// An instance is down after kDownAfter transport failures in a row (refused, reset, timed out):
/// its notices are parked instead of tried, and one probe goes out at a time. A failed probe costs
/// every parked notice an attempt, so they still end `failed`; a delivered probe (or any answer)
/// releases them all. Charges are lazy: a failed probe costs O(notices it ends), not O(parked).
class ChannelGates {
 public:
  static constexpr int kDownAfter = 3;

  /// True when the notice's instance is down and the notice was parked (not to be tried). False
  /// when it goes ahead; then `probe` is set when it goes as the instance's probe.
  bool park_if_down(const Notice& notice, bool& probe, Poco::Int64 max_attempts);

  /// `notice` as stored, with the attempts parking charged it since laid over (no-op otherwise).
  void overlay(Notice& notice) const;

  /// What an attempt's outcome changed.
  struct AfterAttempt {
    enum class Change { none, went_down, came_up, probe_failed } change = Change::none;
    ParkedNotices released;   ///< came_up: every parked notice, to go out now
    ParkedNotices ended;      ///< probe_failed: those out of attempts, to store as failed
    int probes_failed = 0;    ///< probe_failed: in a row, for the next probe's delay
    std::size_t waiting = 0;  ///< probe_failed: still parked
  };
  /// Records an attempt on `channel` at `now_ms`: `transport_failure` when no answer came (with
  /// `detail` saying why), `probe` when it was the instance's probe.
  AfterAttempt after_attempt(const std::string& channel, bool transport_failure,
                             const std::string& detail, bool probe, Poco::Int64 now_ms);

  /// What a due probe of a down instance does.
  struct Probe {
    enum class Action {
      none,              ///< the instance is not down (any more)
      let_next_through,  ///< nothing parked: the next notice to come is the probe
      try_one,           ///< `taken` holds the oldest parked notice: try it as the probe
      fail_all,          ///< the instance is gone or disabled: `taken` holds every parked notice
    } action = Action::none;
    ParkedNotices taken;
  };
  /// `usable`: the instance still exists and is enabled.
  Probe probe_due(const std::string& channel, bool usable);

  /// Failed probes in a row of a down instance (0 when up).
  int probes_failed(const std::string& channel) const;
  /// Every parked notice with its charges (for a stop to store them).
  ParkedNotices all_parked() const;

 private:
  struct Gate {
    int transport_failures = 0;  ///< in a row
    bool down = false;
    bool let_next_through = false;  ///< a probe was due with nothing parked
    int probes_failed = 0;
    Poco::Int64 charged_ms = 0;                       ///< when the last probe failed
    std::shared_ptr<const std::string> charge_error;  ///< what it charged parked notices with
    std::map<std::string, ParkedNotice> parked;       ///< by notice id: oldest first
    std::multimap<int, std::string> ends;  ///< ends_at -> notice id (stale ones are skipped)
  };
  /// `parked` with the failed probes since it was parked charged.
  static ParkedNotice charged(const Gate& gate, ParkedNotice parked);
  static ParkedNotices take_all(Gate& gate);
  void probe_failed(const std::string& channel, Gate& gate, const std::string& detail,
                    Poco::Int64 now_ms, AfterAttempt& out);

  mutable std::mutex mutex_;
  std::unordered_map<std::string, Gate> gates_;
};

}  // namespace warden::host
