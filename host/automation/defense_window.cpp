#include "host/automation/defense_window.hpp"

namespace warden::host {

bool DefenseWindow::admit(const std::string& policy, const DefenseRule& rule, std::int64_t now_ms) {
  if (rule.max_actions <= 0) return true;
  auto& times = made_[policy];
  const std::int64_t since = now_ms - rule.window_s * 1000;
  while (!times.empty() && times.front() <= since) times.pop_front();
  times.push_back(now_ms);
  return static_cast<std::int64_t>(times.size()) <= rule.max_actions;
}

}  // namespace warden::host
