#pragma once

#include <Poco/Dynamic/Var.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace warden::host {

/// The form field types of SPEC §2 (from seed 003's FormFieldType).
enum class FieldType {
  input_text,
  textarea,
  password,
  int_number,
  decimal_number,
  enum_,
  selectable,
  multi_selectable,
  date,
  date_time,
  duration_of_second,
  duration_of_minute,
  duration_of_hour,
  memory_size_of_byte,
  memory_size_of_kibi,
  memory_size_of_mega,
  file,
};

std::optional<FieldType> parse_field_type(std::string_view name);
std::string_view to_string(FieldType type);

/// One choice of an `enum` field.
struct FieldOption {
  std::string label;
  Poco::Dynamic::Var value;
};

/// One field of a manifest, as the manifest declares it (help already merged from help.md).
struct FieldSpec {
  std::string name;
  FieldType type = FieldType::input_text;
  int ordinal = 0;
  std::vector<std::string> validators;  ///< names from SPEC §2, all known (checked at load)
  std::string label;
  std::string placeholder;
  std::string help;
  std::optional<Poco::Dynamic::Var> default_value;  ///< from `default`, or the `default_file` text
  std::string default_file;                         ///< as written in the manifest
  bool advanced = false;
  std::vector<FieldOption> options;  ///< enum
  std::string options_from;  ///< selectable / multi_selectable: "channels", "solutions", …
  bool identity = false;
  bool secret =
      false;  ///< `"secret": true`: never shown, like a password (e.g. a token in headers)

  /// Read endpoints show "******" instead of the value, and an update may keep it by sending that.
  bool is_secret() const { return secret || type == FieldType::password; }
};

}  // namespace warden::host
