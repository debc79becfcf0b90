#pragma once

#include "host/alerts/notice.hpp"

#include <Poco/Types.h>

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace warden::host {

/// The open dedupe windows of the channel instances: while one is open for a channel instance and
/// a dedupe key, alerts with that key join its notice (its count raised) instead of making their
/// own; when it closes, its notice goes out. No I/O and no clock (times are passed in); the
/// pipeline stores, arms and sends. Thread-safe.
class DedupeWindows {
 public:
  /// The open window of the notice's instance and key, with `notice` counted in (updated at
  /// `now_ms`), and true; or, when none is open, opens one holding `notice` until `closes_ms` (its
  /// next_ms set to that), and false.
  std::pair<Notice, bool> join_or_open(Notice notice, Poco::Int64 now_ms, Poco::Int64 closes_ms);
  /// Holds an open window again (a start finds its stored notice still created and not yet due).
  void reopen(const Notice& notice);
  /// Closes the window of `channel_name` and `dedupe_key`: its notice, or none when it is not open.
  std::optional<Notice> close(const std::string& channel_name, const std::string& dedupe_key);
  std::size_t open_count() const;

 private:
  static std::string key(const std::string& channel_name, const std::string& dedupe_key);

  mutable std::mutex mutex_;
  std::unordered_map<std::string, Notice> open_;  ///< channel + dedupe key -> open notice
};

}  // namespace warden::host
