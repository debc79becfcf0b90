#pragma once

#include <warden/alert.hpp>

#include <Poco/JSON/Object.h>

namespace warden::host {

/// What a policy's templates and conditions are checked with when saved: an alert with every field
/// and a few labels set, so a template that renders for it renders for a real one.
Alert sample_alert();

/// What an action's templates see for `sample` (ActionInput::data, made by action_data).
Poco::JSON::Object::Ptr sample_action_data(const Alert& sample = sample_alert());

}  // namespace warden::host
