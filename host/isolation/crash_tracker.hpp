#pragma once

#include <chrono>
#include <deque>

namespace warden::host {

/// Counts a plugin's runner crashes: how long to wait before starting another runner, and when
/// the plugin has crashed too often to run again. Pure: time is passed in.
class CrashTracker {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  /// `limit` crashes within `window` make the plugin failed; `limit` 0 never does.
  CrashTracker(int limit, std::chrono::seconds window) : limit_(limit), window_(window) {}

  /// Records a crash at `now`; true when it is the `limit`-th within the window.
  bool record(TimePoint now);

  /// The wait before the next runner starts at `now`: none without a crash in the window, else
  /// 100 ms doubled for each crash in it, at most 5 s, counted from the last crash.
  std::chrono::milliseconds backoff(TimePoint now) const;

  /// Crashes within the window ending at `now`.
  int recent(TimePoint now) const;

 private:
  void forget_before(TimePoint now);

  int limit_;
  std::chrono::seconds window_;
  std::deque<TimePoint> crashes_;
};

}  // namespace warden::host
