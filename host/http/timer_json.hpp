#pragma once

#include "host/timers/timer_service.hpp"

#include <Poco/JSON/Object.h>

namespace warden::host::http {

/// A timer as the timer answers show it (seed 001): times in ISO 8601, params masked by the
/// action's manifest. Events say `fired` and `skipped`, schedules `runs` and `skipped_overlaps`.
Poco::JSON::Object::Ptr timer_json(const TimerService& timers, const TimerView& view);

}  // namespace warden::host::http
