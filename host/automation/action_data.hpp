#pragma once

#include <warden/alert.hpp>

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <string>
#include <vector>

namespace warden::host {

/// Who an action is, for its templates.
struct ActionContext {
  std::string signal, policy, action_id, alert_id;
  std::int64_t repeat = 1;  ///< 1 for the first notice
};

/// What an action's templates and conditions see (ActionInput::data): the first alert's
/// Alert::template_data() plus `signal`, `policy`, `action_id`, `alert_id`, `repeat`, `alerts`
/// (each alert's template data: one, or all of an aggregated notice) and `alert_count`.
Poco::JSON::Object::Ptr action_data(const std::vector<Alert>& alerts, const ActionContext& context);

}  // namespace warden::host
