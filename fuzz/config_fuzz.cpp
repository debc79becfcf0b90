// Configuration checks (host/config: coercion, validators, config_schema). The first byte picks
// what is fuzzed: a validator on the text (the second byte picks it), one value coerced to each
// field type (the text is a JSON array of values), or a whole configuration object applied to a
// schema with a field of every type (the text is the object; after a NUL byte, the previous
// configuration of an update).
#include "fuzz/fuzz_input.hpp"
#include "host/config/coercion.hpp"
#include "host/config/config_schema.hpp"

#include <Poco/JSON/Array.h>

#include <array>
#include <cstdlib>

namespace {

using namespace warden::host;

constexpr std::array<const char*, 17> kValidators = {"require",
                                                     "user_name",
                                                     "email",
                                                     "mobile",
                                                     "forbid_start_with_number",
                                                     "identity",
                                                     "identity_strict",
                                                     "integer",
                                                     "host",
                                                     "host_without_port",
                                                     "url",
                                                     "db_col_name",
                                                     "relative_path",
                                                     "absolute_path",
                                                     "none_blank",
                                                     "http_header_lines",
                                                     "http_header_value"};

constexpr std::array<FieldType, 17> kTypes = {FieldType::input_text,
                                              FieldType::textarea,
                                              FieldType::password,
                                              FieldType::int_number,
                                              FieldType::decimal_number,
                                              FieldType::enum_,
                                              FieldType::selectable,
                                              FieldType::multi_selectable,
                                              FieldType::date,
                                              FieldType::date_time,
                                              FieldType::duration_of_second,
                                              FieldType::duration_of_minute,
                                              FieldType::duration_of_hour,
                                              FieldType::memory_size_of_byte,
                                              FieldType::memory_size_of_kibi,
                                              FieldType::memory_size_of_mega,
                                              FieldType::file};

/// One field of `type`, named after it; the i-th validator rides along so every one meets values.
FieldSpec field_of(std::size_t i) {
  FieldSpec field;
  field.type = kTypes[i];
  field.name = std::string(to_string(field.type));
  field.ordinal = static_cast<int>(i);
  field.validators = {kValidators[i % kValidators.size()]};
  if (field.type == FieldType::enum_) {
    field.options = {{"one", Poco::Dynamic::Var(1)}, {"two", Poco::Dynamic::Var("two")}};
  }
  if (field.type == FieldType::selectable || field.type == FieldType::multi_selectable) {
    field.options_from = "channels";
  }
  if (field.type == FieldType::int_number) field.default_value = Poco::Dynamic::Var(7);
  return field;
}

const ConfigSchema& schema() {
  static const ConfigSchema schema = [] {
    std::vector<FieldSpec> fields;
    for (std::size_t i = 0; i < kTypes.size(); ++i) fields.push_back(field_of(i));
    return ConfigSchema(std::move(fields));
  }();
  return schema;
}

std::optional<std::vector<std::string>> channels(const std::string& list) {
  if (list != "channels") return std::nullopt;
  return std::vector<std::string>{"ops", "oncall"};
}

void coerce_everywhere(std::string_view text) {
  const auto wrapped = warden::fuzz::json_object("{\"values\": " + std::string(text) + "}");
  if (!wrapped) return;
  const auto values = wrapped->getArray("values");
  if (!values) return;
  for (std::size_t v = 0; v < values->size(); ++v) {
    const auto value = values->get(v);
    for (std::size_t i = 0; i < kTypes.size(); ++i) {
      const auto field = field_of(i);
      if (coercion::is_unset(field, value)) continue;
      const auto coerced = coercion::coerce(field, value);
      if (const auto* good = std::get_if<Poco::Dynamic::Var>(&coerced)) {
        // Idempotent: a coerced value coerces to itself (stored values are checked again).
        const auto again = coercion::coerce(field, *good);
        if (!std::holds_alternative<Poco::Dynamic::Var>(again)) std::abort();
        (void)coercion::texts_of(*good);
      }
      (void)ConfigSchema::check(field, value, channels);
    }
  }
}

void apply(std::string_view text) {
  const auto [input_text, previous_text] = warden::fuzz::split_at_nul(text);
  const auto input = warden::fuzz::json_object(input_text);
  if (!input) return;
  const auto previous = warden::fuzz::json_object(previous_text);
  const auto result = schema().apply(*input, previous.get(), channels);
  if (result.ok()) (void)schema().masked(*result.values);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const auto text = warden::fuzz::as_text(data + 2, size - 2);
  switch (data[0] % 3) {
    case 0:
      (void)run_validator(kValidators[data[1] % kValidators.size()], text);
      (void)is_known_validator(text);
      break;
    case 1:
      coerce_everywhere(text);
      break;
    default:
      apply(text);
  }
  return 0;
}
