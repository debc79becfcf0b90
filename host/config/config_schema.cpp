#include "host/config/config_schema.hpp"

#include "host/config/coercion.hpp"

#include <algorithm>
#include <tuple>

namespace warden::host {
namespace {

using Poco::Dynamic::Var;
using Outcome = std::variant<Var, std::string>;

constexpr std::size_t kMaxListedChoices = 10;

bool takes_a_choice(FieldType type) {
  return type == FieldType::selectable || type == FieldType::multi_selectable;
}

std::string quoted(const std::string& text) {
  return "\"" + text + "\"";
}

// "channels" -> "channel", "timer_actions" -> "timer action": how one item of a list is called.
std::string item_noun(std::string list_name) {
  if (list_name.ends_with('s')) list_name.pop_back();
  std::replace(list_name.begin(), list_name.end(), '_', ' ');
  return list_name;
}

std::string listed(const std::vector<std::string>& items) {
  std::string text;
  for (std::size_t i = 0; i < items.size() && i < kMaxListedChoices; ++i)
    text += (i ? ", " : "") + items[i];
  if (items.size() > kMaxListedChoices) text += ", …";
  return text;
}

std::string unknown_choice(const std::string& noun, const std::string& list_name,
                           const std::string& value, const std::vector<std::string>& known) {
  std::string message = "unknown " + noun + " " + quoted(value);
  if (known.empty()) return message + " (there are no " + list_name + ")";
  return message + " (known " + list_name + ": " + listed(known) + ")";
}

// Choices are checked against the host's list (options_from) when it knows that list, else
// against the field's own options when it declares some; otherwise any text is a choice.
std::optional<std::string> choice_problem(const FieldSpec& field, const Var& coerced,
                                          const OptionsProvider& options) {
  if (!takes_a_choice(field.type)) return std::nullopt;
  std::vector<std::string> known;
  std::string noun = "option";
  std::string list_name = "options";
  if (!field.options_from.empty() && options) {
    auto provided = options(field.options_from);
    if (!provided) return std::nullopt;
    known = std::move(*provided);
    noun = item_noun(field.options_from);
    list_name = field.options_from;
    std::replace(list_name.begin(), list_name.end(), '_', ' ');
  } else if (!field.options.empty()) {
    for (const auto& option : field.options) known.push_back(option.value.toString());
  } else {
    return std::nullopt;
  }
  for (const auto& text : coercion::texts_of(coerced))
    if (!text.empty() && std::find(known.begin(), known.end(), text) == known.end())
      return unknown_choice(noun, list_name, text, known);
  return std::nullopt;
}

std::optional<std::string> validator_problem(const FieldSpec& field, const Var& coerced) {
  const auto texts = coercion::texts_of(coerced);
  for (const auto& validator : field.validators)
    for (const auto& text : texts)
      if (auto message = run_validator(validator, text)) return message;
  return std::nullopt;
}

bool is_masked_secret(const Var& value) {
  return value.isString() && value.extract<std::string>() == kMaskedSecret;
}

bool holds_value(const Var& value) {
  return !value.isEmpty() && !(value.isString() && value.extract<std::string>().empty());
}

Var member_or_null(const Poco::JSON::Object* object, const std::string& name) {
  return object && object->has(name) ? object->get(name) : Var();
}

}  // namespace

ConfigSchema::ConfigSchema(std::vector<FieldSpec> fields) : fields_(std::move(fields)) {
  std::stable_sort(fields_.begin(), fields_.end(), [](const FieldSpec& a, const FieldSpec& b) {
    return std::tie(a.ordinal, a.name) < std::tie(b.ordinal, b.name);
  });
}

const FieldSpec* ConfigSchema::find(const std::string& name) const {
  auto it = std::find_if(fields_.begin(), fields_.end(),
                         [&](const FieldSpec& f) { return f.name == name; });
  return it == fields_.end() ? nullptr : &*it;
}

std::variant<Var, std::string> ConfigSchema::check(const FieldSpec& field, const Var& value,
                                                   const OptionsProvider& options) {
  Var coerced;
  if (!coercion::is_unset(field, value)) {
    auto outcome = coercion::coerce(field, value);
    if (auto* message = std::get_if<std::string>(&outcome)) return *message;
    coerced = std::get<Var>(outcome);
    if (auto message = choice_problem(field, coerced, options)) return *message;
  }
  if (auto message = validator_problem(field, coerced)) return *message;
  return std::variant<Var, std::string>(std::in_place_index<0>, std::move(coerced));
}

namespace {

// The raw value `apply` checks for a field: the input's, a kept secret on an update, or the
// default. A masked secret with nothing to keep counts as not given: storing the mask itself as
// the password would silently break the channel.
Var value_to_check(const FieldSpec& field, const Poco::JSON::Object& input,
                   const Poco::JSON::Object* previous) {
  Var raw = member_or_null(&input, field.name);
  if (field.is_secret() && (raw.isEmpty() || is_masked_secret(raw))) {
    Var kept = member_or_null(previous, field.name);
    if (!kept.isEmpty()) return kept;
    raw.clear();
  }
  if (coercion::is_unset(field, raw) && field.default_value) return *field.default_value;
  return raw;
}

}  // namespace

ConfigSchema::Result ConfigSchema::apply(const Poco::JSON::Object& input,
                                         const Poco::JSON::Object* previous,
                                         const OptionsProvider& options) const {
  Result result;
  result.values = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  for (const auto& name : input.getNames())
    if (!find(name)) result.errors[name] = "unknown field";
  for (const auto& field : fields_) {
    auto outcome = check(field, value_to_check(field, input, previous), options);
    if (auto* message = std::get_if<std::string>(&outcome))
      result.errors[field.name] = *message;
    else if (const Var& value = std::get<Var>(outcome); !value.isEmpty())
      result.values->set(field.name, value);
  }
  return result;
}

Poco::JSON::Object::Ptr ConfigSchema::masked(const Poco::JSON::Object& values) const {
  Poco::JSON::Object::Ptr copy = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  for (const auto& name : values.getNames()) {
    const FieldSpec* field = find(name);
    Var value = values.get(name);
    bool hide = field && field->is_secret() && holds_value(value);
    copy->set(name, hide ? Var(std::string(kMaskedSecret)) : value);
  }
  return copy;
}

}  // namespace warden::host
