#pragma once

#include "job_tracker.hpp"

#include <warden/alert.hpp>

#include <cstdint>
#include <string>

namespace warden::plugins::flink {

/// What an alert says about where it comes from.
struct AlertContext {
  std::string rest_url;  ///< the JobManager's REST base, also its web UI
  std::string cluster;   ///< host:port, the cluster's name in alerts
  TrackerRules rules;
  std::int64_t now_ms = 0;
};

/// The SPEC §6 alert for one transition: type job_state, checkpoint or cluster; the job's name
/// as source and its id as id; `message` from `detail` (a root exception's first lines).
Alert make_alert(const Event& event, const AlertContext& context, const std::string& detail = {});

}  // namespace warden::plugins::flink
