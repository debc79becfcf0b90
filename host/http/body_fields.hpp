#pragma once

#include "host/http/request.hpp"

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <string>

namespace warden::host::http {

// Reading a request's JSON body field by field. Each throws HttpError 400 naming the field by its
// `place` in the body ("data.service") and what it must be.

/// The body's JSON object; an empty body reads as {} when `empty_ok`.
Poco::JSON::Object::Ptr body_of(const Request& request, bool empty_ok = false);
/// A required object; `example` shows the expected shape in the message.
Poco::JSON::Object::Ptr object_field(const Poco::JSON::Object& parent, const std::string& name,
                                     const std::string& place, const std::string& example);
/// An optional object (absent or null: nullptr).
Poco::JSON::Object::Ptr optional_object(const Poco::JSON::Object& parent, const std::string& name,
                                        const std::string& place);
/// A required, non-empty string.
std::string string_field(const Poco::JSON::Object& parent, const std::string& name,
                         const std::string& place);
std::optional<std::string> optional_string(const Poco::JSON::Object& parent,
                                           const std::string& name, const std::string& place);
std::optional<bool> optional_bool(const Poco::JSON::Object& parent, const std::string& name,
                                  const std::string& place);
/// An optional whole number within [low, high].
std::optional<int> optional_int(const Poco::JSON::Object& parent, const std::string& name, int low,
                                int high);

/// An ISO 8601 time for an answer, or null for 0 ("not yet").
Poco::Dynamic::Var time_or_null(std::int64_t unix_ms);
/// A JSON object kept as text (empty reads as {}).
Poco::JSON::Object::Ptr parse_object(const std::string& text);

}  // namespace warden::host::http
