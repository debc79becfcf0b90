#pragma once

#include <warden/alert.hpp>

#include <string>
#include <vector>

namespace warden {

/// Where a solution or a timer action raises an alert: the host's notice pipeline (the same one
/// `POST /api/alerts` feeds: circuit breaking, de-duplication, retries).
class AlertSink {
 public:
  virtual ~AlertSink() = default;
  /// Hands `alert` to the pipeline for the channel instances named in `channels` (empty: every
  /// enabled one). Returns once the notices are stored, not delivered. Returns false and sets
  /// `error` when the host refused it (an unknown or disabled channel, none enabled, no pipeline in
  /// this host). Never throws.
  virtual bool raise(const Alert& alert, const std::vector<std::string>& channels,
                     std::string& error) noexcept = 0;
};

}  // namespace warden
