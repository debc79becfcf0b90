#pragma once

#include "host/automation/alert_record.hpp"

#include <Poco/JSON/Object.h>

namespace warden::host::http {

/// An alert record as `GET /api/alerts` shows it: times in ISO 8601 (null when not yet), the latest
/// alert as an object.
Poco::JSON::Object::Ptr alert_record_json(const AlertRecord& record);

}  // namespace warden::host::http
