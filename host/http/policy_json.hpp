#pragma once

#include "host/automation/policy_book.hpp"

#include <Poco/JSON/Object.h>

namespace warden::host::http {

/// A policy as the API shows it: its stored form plus `updated_time` (ISO 8601).
Poco::JSON::Object::Ptr policy_json(const StoredPolicy& stored);

}  // namespace warden::host::http
