#pragma once

#include "host/store/host_table.hpp"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace warden::host {

/// Takes over the work of hosts that are gone (docs/ARCHITECTURE.md, "Several hosts"). Every
/// `every`, while `may_claim` says so, it fences the host leases that lapsed, then runs each claim
/// until it takes nothing more: a claim moves one batch of a gone host's rows to this host
/// (FOR UPDATE SKIP LOCKED, so hosts claiming at once share the rows) and hands them to the
/// service that runs them, answering how many it took.
class WorkClaimer {
 public:
  using Claim = std::function<std::size_t()>;
  WorkClaimer(HostTable& hosts, std::vector<Claim> claims, std::function<bool()> may_claim,
              std::chrono::milliseconds every);
  ~WorkClaimer();
  WorkClaimer(const WorkClaimer&) = delete;
  WorkClaimer& operator=(const WorkClaimer&) = delete;

  /// One round, on the caller's thread: how many rows it took.
  std::size_t claim_once();

 private:
  void loop(std::stop_token stop);

  HostTable& hosts_;
  std::vector<Claim> claims_;
  std::function<bool()> may_claim_;
  std::chrono::milliseconds every_;
  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::jthread thread_;
};

}  // namespace warden::host
