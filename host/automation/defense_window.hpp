#pragma once

#include "host/automation/policy.hpp"

#include <cstdint>
#include <deque>
#include <map>
#include <string>

namespace warden::host {

/// Abnormal defense (seed 002): counts the actions each policy made in its window. Pure: the time
/// is passed in. Not thread-safe (the engine holds its lock).
class DefenseWindow {
 public:
  /// Counts an action of `policy` made at `now_ms`; false when it is more than `rule.max_actions`
  /// within the last `rule.window_s` seconds (it then needs approval).
  bool admit(const std::string& policy, const DefenseRule& rule, std::int64_t now_ms);

 private:
  std::map<std::string, std::deque<std::int64_t>> made_;
};

}  // namespace warden::host
