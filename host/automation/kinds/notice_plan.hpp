#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <string>
#include <vector>

namespace warden::host {

/// How a notice action repeats and aggregates (its params read; pure, for the engine).
struct NoticePlan {
  enum class Mode { once, interval, incremental };
  Mode mode = Mode::once;
  std::int64_t interval_ms = 0;
  std::int64_t max_times = 1;         ///< notices in all, the first included
  double multiplier = 2;              ///< incremental: each wait is the previous one times this
  std::int64_t max_interval_ms = 0;   ///< incremental: the longest wait; 0: no cap of its own
  std::vector<std::string> group_by;  ///< label names
  std::int64_t group_wait_ms = 0;     ///< 0: no aggregation
};

/// The plan of a notice action's params as NoticeAction::check accepted them; a field that is
/// absent (or, in a stored spec, unreadable) takes its default: max_times 1 for once and 10
/// otherwise, multiplier 2.
NoticePlan notice_plan_from(const Poco::JSON::Object& params);

/// When the next notice is due after `sent` notices (1 after the first), the last at `last_ms`:
/// interval mode `last_ms + interval`; incremental `last_ms + interval * multiplier^(sent - 1)`,
/// the wait capped at max_interval. 0 when no notice follows: mode once, or max_times sent.
std::int64_t next_repeat_ms(const NoticePlan& plan, std::int64_t sent, std::int64_t last_ms);

}  // namespace warden::host
