#pragma once
// Internal to host/config: turning one raw JSON value into the value its field type stores.

#include "host/config/field_spec.hpp"

#include <Poco/Dynamic/Var.h>

#include <string>
#include <variant>
#include <vector>

namespace warden::host::coercion {

/// The coerced value, or what is wrong with the raw one.
using Coerced = std::variant<Poco::Dynamic::Var, std::string>;

/// True when `value` means "not given" for `field`: null, or a blank string for a field whose
/// value is not free text (a form's cleared number or date box), so that the default applies.
bool is_unset(const FieldSpec& field, const Poco::Dynamic::Var& value);

/// Coerces a set value to its field's type (SPEC §3). Idempotent: coercing a coerced value yields
/// the same value, so stored configurations and manifest defaults can be checked again.
Coerced coerce(const FieldSpec& field, const Poco::Dynamic::Var& value);

/// The texts validators see for a coerced value: one per element of a list, else one.
std::vector<std::string> texts_of(const Poco::Dynamic::Var& coerced);

}  // namespace warden::host::coercion
