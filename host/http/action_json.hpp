#pragma once

#include "host/automation/action_record.hpp"

#include <Poco/JSON/Object.h>

namespace warden::host::http {

/// An action as `GET /api/actions` and `GET /api/alerts/{id}` show it: every field, times in
/// ISO 8601 (null when not yet), its log as `{at, event, message}` entries.
Poco::JSON::Object::Ptr action_to_json(const ActionRecord& action);

}  // namespace warden::host::http
