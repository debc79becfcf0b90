#include "host/isolation/crash_tracker.hpp"

#include <algorithm>

namespace warden::host {

bool CrashTracker::record(TimePoint now) {
  forget_before(now);
  crashes_.push_back(now);
  return limit_ > 0 && static_cast<int>(crashes_.size()) >= limit_;
}

int CrashTracker::recent(TimePoint now) const {
  return static_cast<int>(std::count_if(crashes_.begin(), crashes_.end(),
                                        [&](TimePoint t) { return now - t < window_; }));
}

std::chrono::milliseconds CrashTracker::backoff(TimePoint now) const {
  const int count = recent(now);
  if (count == 0) return std::chrono::milliseconds::zero();
  const std::chrono::milliseconds full{
      std::min<std::int64_t>(5000, 100LL << std::min(count - 1, 6))};
  const auto since = std::chrono::duration_cast<std::chrono::milliseconds>(now - crashes_.back());
  return std::max(std::chrono::milliseconds::zero(), full - since);
}

void CrashTracker::forget_before(TimePoint now) {
  while (!crashes_.empty() && now - crashes_.front() >= window_) crashes_.pop_front();
}

}  // namespace warden::host
