#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace warden {

/// A plugin's configuration values, already checked by the host against the manifest's fields:
/// defaults filled, numbers, durations (in the field's unit) and sizes (in the field's unit)
/// coerced, unknown fields refused. A field left empty and without default is absent (`has` is
/// false). Getters throw std::invalid_argument naming the field when it is absent or of another
/// type.
class Config {
 public:
  Config() : values_(new Poco::JSON::Object) {}
  explicit Config(Poco::JSON::Object::Ptr values)
      : values_(values ? std::move(values) : Poco::JSON::Object::Ptr(new Poco::JSON::Object)) {}

  bool has(const std::string& field) const {
    return values_->has(field) && !values_->isNull(field);
  }

  std::string string(const std::string& field) const {
    return require(field).convert<std::string>();
  }
  std::string string_or(const std::string& field, std::string fallback) const {
    return has(field) ? string(field) : std::move(fallback);
  }

  std::int64_t integer(const std::string& field) const {
    const auto v = require(field);
    if (!v.isInteger())
      throw std::invalid_argument("config field '" + field + "' is not an integer");
    return v.convert<std::int64_t>();
  }

  double number(const std::string& field) const {
    const auto v = require(field);
    if (!v.isNumeric()) throw std::invalid_argument("config field '" + field + "' is not a number");
    return v.convert<double>();
  }

  bool boolean(const std::string& field) const {
    const auto v = require(field);
    if (!v.isBoolean())
      throw std::invalid_argument("config field '" + field + "' is not a boolean");
    return v.extract<bool>();
  }

  /// A multi_selectable field (or any array of strings).
  std::vector<std::string> strings(const std::string& field) const {
    auto array = values_->getArray(field);
    if (!array) throw std::invalid_argument("config field '" + field + "' is not a list");
    std::vector<std::string> out;
    for (const auto& item : *array) out.push_back(item.convert<std::string>());
    return out;
  }

  /// All values, as JSON (the form a template or an HTTP body would take).
  const Poco::JSON::Object& json() const { return *values_; }
  Poco::JSON::Object::Ptr json_ptr() const { return values_; }

 private:
  Poco::Dynamic::Var require(const std::string& field) const {
    if (!has(field)) throw std::invalid_argument("config field '" + field + "' is not set");
    return values_->get(field);
  }

  Poco::JSON::Object::Ptr values_;
};

}  // namespace warden
