#include "host/automation/alert_book.hpp"

#include "host/runtime/ids.hpp"

namespace warden::host {

void AlertBook::load(std::vector<AlertRecord> open) {
  std::lock_guard lock(mutex_);
  for (auto& record : open) {
    if (!record.open()) continue;
    // Never two open records of one fingerprint; should the store hold two, the latest wins.
    const auto held = by_fingerprint_.find(record.fingerprint);
    if (held != by_fingerprint_.end()) {
      if (held->second.last_ms > record.last_ms) continue;
      fingerprint_of_id_.erase(held->second.id);
    }
    fingerprint_of_id_[record.id] = record.fingerprint;
    by_fingerprint_[record.fingerprint] = std::move(record);
  }
}

Observation AlertBook::observe(const Alert& alert, const std::string& origin, std::int64_t now_ms) {
  const auto fingerprint = fingerprint_of(alert);
  std::lock_guard lock(mutex_);
  const auto found = by_fingerprint_.find(fingerprint);
  std::optional<AlertRecord> current;
  if (found != by_fingerprint_.end()) current = found->second;
  const std::string new_id = current ? std::string() : "al_" + uuid_v7(now_ms);
  auto observation = host::observe(current, alert, origin, now_ms, new_id);
  if (observation.created) fingerprint_of_id_[observation.record.id] = fingerprint;
  by_fingerprint_[fingerprint] = observation.record;
  return observation;
}

std::optional<Observation> AlertBook::close(const std::string& id, std::int64_t now_ms,
                                            const std::string& by, const std::string& reason) {
  std::lock_guard lock(mutex_);
  const auto fingerprint = fingerprint_of_id_.find(id);
  if (fingerprint == fingerprint_of_id_.end()) return std::nullopt;
  const auto record = by_fingerprint_.find(fingerprint->second);
  auto observation = host::close(record->second, now_ms, by, reason);
  by_fingerprint_.erase(record);
  fingerprint_of_id_.erase(fingerprint);
  return observation;
}

std::vector<Observation> AlertBook::close_recovered_before(std::int64_t now_ms,
                                                           std::int64_t close_after_ms) {
  const std::string reason =
      "recovered " + std::to_string(close_after_ms / 1000) + " s ago (alert_close_after)";
  std::vector<Observation> closed;
  std::lock_guard lock(mutex_);
  for (auto it = by_fingerprint_.begin(); it != by_fingerprint_.end();) {
    const auto& record = it->second;
    if (record.state != to_string(Signal::recovered) ||
        now_ms - record.recovered_ms < close_after_ms) {
      ++it;
      continue;
    }
    closed.push_back(host::close(record, now_ms, "warden", reason));
    fingerprint_of_id_.erase(record.id);
    it = by_fingerprint_.erase(it);
  }
  return closed;
}

std::optional<AlertRecord> AlertBook::find_open(const std::string& id) const {
  std::lock_guard lock(mutex_);
  const auto fingerprint = fingerprint_of_id_.find(id);
  if (fingerprint == fingerprint_of_id_.end()) return std::nullopt;
  return by_fingerprint_.at(fingerprint->second);
}

std::size_t AlertBook::size() const {
  std::lock_guard lock(mutex_);
  return by_fingerprint_.size();
}

}  // namespace warden::host
