#pragma once

#include "host/automation/saved_solutions.hpp"

#include <Poco/JSON/Object.h>

namespace warden::host::http {

/// A saved solution as the API shows it: secrets of an object condition masked, times ISO 8601.
Poco::JSON::Object::Ptr saved_solution_json(const SavedSolutions& solutions,
                                            const SavedSolution& solution);

}  // namespace warden::host::http
