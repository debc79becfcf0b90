#pragma once

#include "host/runtime/alert_json.hpp"

#include <warden/alert.hpp>

#include <string>

namespace warden::host {

/// What `POST /api/channels/{name}/test` sends and what a template is checked against at save time.
Alert sample_alert(const std::string& channel_name);

}  // namespace warden::host
