#pragma once

#include "host/services/alert_relay.hpp"
#include "host/store/work_owners.hpp"

#include <chrono>
#include <string>

namespace warden::host {

/// What a host that does not coordinate does with the alerts its plugins raise: posts them to
/// the coordinator's POST /api/alerts (its policies and notices run there), or throws with why.
AlertRelay::Target forward_alerts_to_coordinator(WorkOwners& owners, std::string token,
                                                 std::chrono::milliseconds timeout);

}  // namespace warden::host
