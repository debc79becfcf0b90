#pragma once

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>

#include <kainjow/mustache.hpp>

namespace warden::host {

/// Converts JSON to what a Mustache template sees: objects become objects, arrays lists, booleans
/// true/false (sections), null false, numbers and strings their text.
kainjow::mustache::data to_mustache_data(const Poco::JSON::Object& object);
kainjow::mustache::data to_mustache_data(const Poco::Dynamic::Var& value);

}  // namespace warden::host
