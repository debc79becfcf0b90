#pragma once

#include "host/automation/action_kind.hpp"
#include "host/automation/named_config_store.hpp"
#include "host/automation/policy.hpp"
#include "host/runtime/request_error.hpp"

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace warden::host {

class Database;

/// A policy as the book keeps it: the policy and when it was last saved.
struct StoredPolicy {
  std::shared_ptr<const Policy> policy;
  std::int64_t updated_ms = 0;
};

/// The policies (SPEC §5 automation): checked when saved (the body, each action by its kind with
/// the sample alert, the approval channels), stored in `named_configs` (collection `policy`) and
/// held in memory as an immutable snapshot in (order, name) order. A reader takes the snapshot
/// under a short lock and matches without it, so matching never waits for a write. Thread-safe.
class PolicyBook {
 public:
  /// `channel_exists` says whether a channel instance is configured (approval_channels). `kinds`
  /// outlives the book. Reads every stored policy.
  PolicyBook(Database& database, const ActionKinds& kinds,
             std::function<bool(const std::string&)> channel_exists);

  /// Creates or replaces `name`. Throws RequestError (invalid) with every problem by place.
  StoredPolicy put(const std::string& name, const Poco::JSON::Object& body);
  std::optional<StoredPolicy> get(const std::string& name) const;
  /// In matching order (order, then name).
  std::vector<StoredPolicy> list() const;
  /// False when there was no such policy.
  bool remove(const std::string& name);

  /// The policies that take `alert`'s `signal` (matching_policies over the current snapshot).
  std::vector<std::shared_ptr<const Policy>> match(const Alert& alert, Signal signal) const;
  /// The names of the policies with a solution action naming the saved solution `solution`.
  std::vector<std::string> using_solution(const std::string& solution) const;

 private:
  struct Snapshot {
    std::vector<std::shared_ptr<const Policy>> ordered;  ///< (order, name)
    std::map<std::string, StoredPolicy> by_name;
  };

  std::shared_ptr<const Snapshot> snapshot() const;
  /// Replaces the snapshot with `by_name` (under write_mutex_).
  void publish(std::map<std::string, StoredPolicy> by_name);
  void check_actions(const Policy& policy, std::map<std::string, std::string>& errors) const;

  NamedConfigStore store_;
  const ActionKinds& kinds_;
  std::function<bool(const std::string&)> channel_exists_;
  std::mutex write_mutex_;             // one writer at a time: the table and the snapshot agree
  mutable std::mutex snapshot_mutex_;  // held only to copy or swap the pointer
  std::shared_ptr<const Snapshot> snapshot_;
};

}  // namespace warden::host
