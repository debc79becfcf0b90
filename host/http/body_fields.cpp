#include "host/http/body_fields.hpp"

#include "host/http/http_error.hpp"
#include "host/runtime/iso_time.hpp"
#include "host/runtime/json_number.hpp"

#include <Poco/JSON/Parser.h>

namespace warden::host::http {

/// The body's JSON object; an empty body reads as {} when `empty_ok`.
Poco::JSON::Object::Ptr body_of(const Request& request, bool empty_ok) {
  if (empty_ok && request.body.find_first_not_of(" \t\r\n") == std::string::npos)
    return new Poco::JSON::Object;
  return request.json();
}

Poco::JSON::Object::Ptr object_field(const Poco::JSON::Object& parent, const std::string& name,
                                     const std::string& place, const std::string& example) {
  if (!parent.has(name) || parent.isNull(name))
    throw HttpError(400, "\"" + place + "\" is required: " + example);
  auto value = parent.get(name);
  if (value.type() != typeid(Poco::JSON::Object::Ptr))
    throw HttpError(400, "\"" + place + "\" must be a JSON object: " + example);
  return value.extract<Poco::JSON::Object::Ptr>();
}

std::string string_field(const Poco::JSON::Object& parent, const std::string& name,
                         const std::string& place) {
  if (!parent.has(name) || parent.isNull(name))
    throw HttpError(400, "\"" + place + "\" is required");
  auto value = parent.get(name);
  if (!value.isString()) throw HttpError(400, "\"" + place + "\" must be a string");
  auto text = value.convert<std::string>();
  if (text.empty()) throw HttpError(400, "\"" + place + "\" must not be empty");
  return text;
}

std::optional<std::string> optional_string(const Poco::JSON::Object& parent,
                                           const std::string& name, const std::string& place) {
  if (!parent.has(name) || parent.isNull(name)) return std::nullopt;
  auto value = parent.get(name);
  if (!value.isString()) throw HttpError(400, "\"" + place + "\" must be a string");
  return value.convert<std::string>();
}

/// An optional whole number within [low, high].
std::optional<int> optional_int(const Poco::JSON::Object& parent, const std::string& name, int low,
                                int high) {
  if (!parent.has(name) || parent.isNull(name)) return std::nullopt;
  const auto value = parent.get(name);
  const auto n = whole_number(value, low, high);
  if (!n) throw HttpError(400, "\"" + name + "\" " + whole_number_refusal(value, low, high));
  return static_cast<int>(*n);
}

Poco::Dynamic::Var time_or_null(std::int64_t ms) {
  if (ms <= 0) return Poco::Dynamic::Var();
  return iso8601(ms);
}

Poco::JSON::Object::Ptr parse_object(const std::string& text) {
  if (text.empty()) return new Poco::JSON::Object;
  return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

Poco::JSON::Object::Ptr optional_object(const Poco::JSON::Object& parent, const std::string& name,
                                        const std::string& place) {
  if (!parent.has(name) || parent.isNull(name)) return nullptr;
  auto value = parent.get(name);
  if (value.type() != typeid(Poco::JSON::Object::Ptr))
    throw HttpError(400, "\"" + place + "\" must be a JSON object");
  return value.extract<Poco::JSON::Object::Ptr>();
}

std::optional<bool> optional_bool(const Poco::JSON::Object& parent, const std::string& name,
                                  const std::string& place) {
  if (!parent.has(name) || parent.isNull(name)) return std::nullopt;
  auto value = parent.get(name);
  if (!value.isBoolean()) throw HttpError(400, "\"" + place + "\" must be true or false");
  return value.convert<bool>();
}

}  // namespace warden::host::http
