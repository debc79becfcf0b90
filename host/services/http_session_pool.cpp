#include "host/services/http_session_pool.hpp"

namespace warden::host {

std::unique_ptr<Poco::Net::HTTPClientSession> HttpSessionPool::take(const Key& key) {
  std::vector<Idle> expired;  // closed outside the lock
  std::unique_ptr<Poco::Net::HTTPClientSession> out;
  {
    std::lock_guard lock(mutex_);
    auto it = idle_.find(key);
    if (it == idle_.end()) return nullptr;
    auto& list = it->second;
    const auto now = Clock::now();
    while (!list.empty()) {
      Idle idle = std::move(list.back());
      list.pop_back();
      if (now - idle.since < kMaxIdle && idle.session->connected()) {
        out = std::move(idle.session);
        break;
      }
      expired.push_back(std::move(idle));
    }
    if (list.empty()) idle_.erase(it);
  }
  return out;
}

void HttpSessionPool::put(const Key& key, std::unique_ptr<Poco::Net::HTTPClientSession> session) {
  std::unique_ptr<Poco::Net::HTTPClientSession> dropped;
  std::lock_guard lock(mutex_);
  auto& list = idle_[key];
  if (list.size() >= kMaxIdlePerServer) {
    dropped = std::move(session);
    return;
  }
  list.push_back({std::move(session), Clock::now()});
}

}  // namespace warden::host
