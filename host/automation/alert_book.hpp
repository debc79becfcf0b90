#pragma once

#include "host/automation/alert_record.hpp"

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace warden::host {

/// The open alert records in memory, by fingerprint (closed ones live only in the store). Applies
/// the pure life (observe / close) under its lock; the caller stores what it returns. Thread-safe.
class AlertBook {
 public:
  /// Start-up: the open records the store holds.
  void load(std::vector<AlertRecord> open);
  /// `alert` meets its fingerprint's open record (a new one is made with a fresh al_<uuid>).
  Observation observe(const Alert& alert, const std::string& origin, std::int64_t now_ms);
  /// Closes the open record `id`; nullopt when no open record has that id.
  std::optional<Observation> close(const std::string& id, std::int64_t now_ms,
                                   const std::string& by, const std::string& reason);
  /// Recovered records whose recovery is older than `close_after_ms`, closed (auto close).
  std::vector<Observation> close_recovered_before(std::int64_t now_ms, std::int64_t close_after_ms);
  std::optional<AlertRecord> find_open(const std::string& id) const;
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, AlertRecord> by_fingerprint_;
  std::unordered_map<std::string, std::string> fingerprint_of_id_;
};

}  // namespace warden::host
