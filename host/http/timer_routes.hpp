#pragma once

#include "host/http/router.hpp"

namespace warden::host {
class TimerService;
}

namespace warden::host::http {

/// Timer boundary events on tasks (`/api/timer_events`, seed 001's shapes) and standalone
/// schedules (`/api/schedules`), SPEC §5.
void add_timer_routes(Router& router, TimerService& timers);

}  // namespace warden::host::http
