#pragma once

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <map>
#include <string>
#include <vector>

namespace warden::host::http {

/// The content type of every JSON answer.
inline constexpr const char* kJsonContentType = "application/json; charset=utf-8";

/// A new JSON object that keeps its keys in insertion order, so answers read in the order built.
Poco::JSON::Object::Ptr object();

/// `{"result": "ok"}`, to which a handler adds its fields.
Poco::JSON::Object::Ptr ok();
/// `{"result": "ok", ...fields}`.
Poco::JSON::Object::Ptr ok(const Poco::JSON::Object& fields);

/// `{"result": "exception", "message": message, "errors": errors}`; `errors` is left out when null
/// or empty.
Poco::JSON::Object::Ptr error_body(const std::string& message,
                                   const Poco::JSON::Object::Ptr& errors = {});
/// The same with per-field errors as a ConfigSchema reports them (field name -> what is wrong).
Poco::JSON::Object::Ptr error_body(const std::string& message,
                                   const std::map<std::string, std::string>& errors);

/// `{"a": "x", …}` from a string map.
Poco::JSON::Object::Ptr string_map_object(const std::map<std::string, std::string>& values);
/// `["a", "b", …]`.
Poco::JSON::Array::Ptr string_array(const std::vector<std::string>& values);

/// Compact JSON text. Non-ASCII text stays UTF-8; invalid UTF-8 becomes U+FFFD.
std::string stringify(const Poco::Dynamic::Var& value);

}  // namespace warden::host::http
