#include "host/alerts/dedupe_windows.hpp"

namespace warden::host {

std::string DedupeWindows::key(const std::string& channel_name, const std::string& dedupe_key) {
  return channel_name + '\n' + dedupe_key;
}

std::pair<Notice, bool> DedupeWindows::join_or_open(Notice notice, Poco::Int64 now_ms,
                                                    Poco::Int64 closes_ms) {
  std::lock_guard lock(mutex_);
  const auto [it, opened] = open_.try_emplace(key(notice.channel_name, notice.dedupe_key));
  if (!opened) {
    ++it->second.aggregated;
    it->second.update_ms = now_ms;
    return {it->second, true};
  }
  notice.next_ms = closes_ms;
  it->second = notice;
  return {std::move(notice), false};
}

void DedupeWindows::reopen(const Notice& notice) {
  std::lock_guard lock(mutex_);
  open_[key(notice.channel_name, notice.dedupe_key)] = notice;
}

std::optional<Notice> DedupeWindows::close(const std::string& channel_name,
                                           const std::string& dedupe_key) {
  std::lock_guard lock(mutex_);
  const auto it = open_.find(key(channel_name, dedupe_key));
  if (it == open_.end()) return std::nullopt;
  Notice notice = std::move(it->second);
  open_.erase(it);
  return notice;
}

std::size_t DedupeWindows::open_count() const {
  std::lock_guard lock(mutex_);
  return open_.size();
}

}  // namespace warden::host
