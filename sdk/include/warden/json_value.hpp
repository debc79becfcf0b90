#pragma once

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>

#include <cmath>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

namespace warden {

/// `value` as compact JSON text (no spaces or line breaks): a request body, a stored document, a
/// log line. The one way the SDK and the host write JSON.
inline std::string compact_json(const Poco::Dynamic::Var& value) {
  std::ostringstream text;
  Poco::JSON::Stringifier::condense(value, text);
  return text.str();
}

/// `object` as compact JSON text, without copying it into a Var first.
inline std::string compact_json(const Poco::JSON::Object& object) {
  std::ostringstream text;
  object.stringify(text);
  return text.str();
}

/// The value at a dotted path of a parsed JSON value (`status.phase`; a number indexes an array:
/// `items.0.state`), or nullopt when there is nothing there. The rule the host's
/// `wait_polling_callback` uses for `PollOptions::field`.
inline std::optional<Poco::Dynamic::Var> json_at(const Poco::Dynamic::Var& root,
                                                 std::string_view path) {
  Poco::Dynamic::Var current = root;
  for (std::size_t start = 0;;) {
    const auto dot = path.find('.', start);
    const std::string part(
        path.substr(start, dot == std::string_view::npos ? path.npos : dot - start));
    if (current.type() == typeid(Poco::JSON::Object::Ptr)) {
      const auto object = current.extract<Poco::JSON::Object::Ptr>();
      if (!object || !object->has(part)) return std::nullopt;
      current = object->get(part);
    } else if (current.type() == typeid(Poco::JSON::Array::Ptr)) {
      const auto array = current.extract<Poco::JSON::Array::Ptr>();
      if (part.empty() || part.size() > 9 || part.find_first_not_of("0123456789") != part.npos)
        return std::nullopt;
      const auto index = std::stoul(part);
      if (!array || index >= array->size()) return std::nullopt;
      current = array->get(static_cast<unsigned>(index));
    } else {
      return std::nullopt;
    }
    if (dot == std::string_view::npos) return current;
    start = dot + 1;
  }
}

/// A JSON value as an operator writes it in `PollOptions::equals`: strings as they are,
/// `true`/`false`, `null`, whole numbers without a fraction (3.0 reads `3`), objects and arrays
/// as compact JSON.
inline std::string json_text(const Poco::Dynamic::Var& value) {
  if (value.isEmpty()) return "null";
  if (value.isString()) return value.convert<std::string>();
  if (value.isBoolean()) return value.convert<bool>() ? "true" : "false";
  if (value.isNumeric() && !value.isInteger()) {
    const double number = value.convert<double>();
    if (std::isfinite(number) && std::floor(number) == number && std::fabs(number) < 1e15)
      return std::to_string(static_cast<std::int64_t>(number));
    std::ostringstream text;
    text.precision(17);
    text << number;
    return text.str();
  }
  if (value.isNumeric()) return value.convert<std::string>();
  return compact_json(value);
}

}  // namespace warden
