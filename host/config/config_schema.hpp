#pragma once

#include "host/config/field_spec.hpp"

#include <Poco/JSON/Object.h>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace warden::host {

/// The text a read endpoint or a log shows instead of a password value.
inline constexpr const char* kMaskedSecret = "******";

/// Supplies the host's lists for `options_from` ("channels", "solutions", "timer_actions").
/// Returns nullopt for a list it does not know; then values are not checked against it.
using OptionsProvider = std::function<std::optional<std::vector<std::string>>(const std::string&)>;

/// SPEC §3: checks a configuration object against a manifest's fields. One reusable component for
/// channel instances, task conditions, timer-action params and manifest defaults alike.
class ConfigSchema {
 public:
  struct Result {
    Poco::JSON::Object::Ptr values;             ///< complete and coerced when `errors` is empty
    std::map<std::string, std::string> errors;  ///< field name -> what is wrong with it
    bool ok() const { return errors.empty(); }
  };

  ConfigSchema() = default;
  /// Fields are kept in form order (ordinal, then name).
  explicit ConfigSchema(std::vector<FieldSpec> fields);

  /// Checks `input`: unknown fields refused, defaults filled, values coerced to their type, every
  /// validator run; every failing field is reported at once. When `previous` is given (an update),
  /// a secret field (a password, or one marked `secret`) sent as kMaskedSecret or left out keeps
  /// its previous value.
  Result apply(const Poco::JSON::Object& input, const Poco::JSON::Object* previous = nullptr,
               const OptionsProvider& options = {}) const;

  /// A copy of `values` with every secret field (a password, or one marked `secret`) that holds a
  /// value replaced by kMaskedSecret.
  Poco::JSON::Object::Ptr masked(const Poco::JSON::Object& values) const;

  /// Coerces and validates one value for one field (as `apply` does for it). Returns the coerced
  /// value, or the error message. Used to check a manifest's defaults against their own field.
  static std::variant<Poco::Dynamic::Var, std::string> check(const FieldSpec& field,
                                                             const Poco::Dynamic::Var& value,
                                                             const OptionsProvider& options = {});

  const std::vector<FieldSpec>& fields() const { return fields_; }
  const FieldSpec* find(const std::string& name) const;

 private:
  std::vector<FieldSpec> fields_;
};

/// True for the validator names of SPEC §2.
bool is_known_validator(std::string_view name);

/// Runs one validator on a value's text. Returns nullopt when it passes, else the message (e.g.
/// "must be a valid email address"). An empty value passes all but `require` and `none_blank`.
std::optional<std::string> run_validator(std::string_view validator, std::string_view value);

}  // namespace warden::host
