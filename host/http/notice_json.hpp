#pragma once

#include "host/alerts/notice.hpp"

#include <Poco/JSON/Object.h>

namespace warden::host::http {

/// A notice as `GET /api/notifications` shows it: times in ISO 8601 (null when not yet), the alert
/// as an object.
Poco::JSON::Object::Ptr notice_json(const Notice& notice);

}  // namespace warden::host::http
