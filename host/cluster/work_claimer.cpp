#include "host/cluster/work_claimer.hpp"

#include <Poco/Exception.h>
#include <spdlog/spdlog.h>

namespace warden::host {

WorkClaimer::WorkClaimer(HostTable& hosts, std::vector<Claim> claims,
                         std::function<bool()> may_claim, std::chrono::milliseconds every)
    : hosts_(hosts), claims_(std::move(claims)), may_claim_(std::move(may_claim)), every_(every) {
  thread_ = std::jthread([this](std::stop_token stop) { loop(stop); });
}

WorkClaimer::~WorkClaimer() {
  thread_ = {};  // requests stop and joins
}

std::size_t WorkClaimer::claim_once() {
  for (const auto& id : hosts_.fence_lapsed_hosts())
    spdlog::warn("host {} let its lease lapse: its work is taken over", id);
  std::size_t total = 0;
  for (const auto& claim : claims_) {
    while (may_claim_()) {
      const auto n = claim();
      if (n == 0) break;
      total += n;
    }
  }
  if (total > 0) spdlog::info("took over {} tasks and timers of hosts that are gone", total);
  return total;
}

void WorkClaimer::loop(std::stop_token stop) {
  while (!stop.stop_requested()) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, stop, every_, [] { return false; });
    }
    if (stop.stop_requested() || !may_claim_()) continue;
    try {
      claim_once();
    } catch (const Poco::Exception& e) {
      spdlog::warn("claiming the work of hosts that are gone failed: {}", e.displayText());
    } catch (const std::exception& e) {
      spdlog::warn("claiming the work of hosts that are gone failed: {}", e.what());
    }
  }
}

}  // namespace warden::host
