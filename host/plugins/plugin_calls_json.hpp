#pragma once

#include "host/plugins/plugin_calls.hpp"
#include "host/plugins/problem.hpp"

#include <Poco/JSON/Object.h>

namespace warden::host {

/// The calls and their results as JSON, for the frames between the host and a runner process.
/// The readers throw std::exception (Poco's or std's) on a malformed message: a runner that sends
/// one is treated like one that crashed.
Poco::JSON::Object::Ptr to_json(const StepCall& call);
StepCall step_call_from_json(const Poco::JSON::Object& json);
Poco::JSON::Object::Ptr to_json(const StepResult& result);
StepResult step_result_from_json(const Poco::JSON::Object& json);

Poco::JSON::Object::Ptr to_json(const FiringCall& call);
FiringCall firing_call_from_json(const Poco::JSON::Object& json);
Poco::JSON::Object::Ptr to_json(const ActionResult& result);
ActionResult action_result_from_json(const Poco::JSON::Object& json);

Poco::JSON::Object::Ptr to_json(const DeliveryCall& call);
DeliveryCall delivery_call_from_json(const Poco::JSON::Object& json);
Poco::JSON::Object::Ptr to_json(const DeliveryResult& result);
DeliveryResult delivery_result_from_json(const Poco::JSON::Object& json);

Poco::JSON::Object::Ptr to_json(const SelectOptionsCall& call);
SelectOptionsCall select_options_call_from_json(const Poco::JSON::Object& json);
Poco::JSON::Object::Ptr to_json(const SelectOptionsResult& result);
SelectOptionsResult select_options_result_from_json(const Poco::JSON::Object& json);

Poco::JSON::Object::Ptr to_json(const Problem& problem);
Problem problem_from_json(const Poco::JSON::Object& json);

}  // namespace warden::host
