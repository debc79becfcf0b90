#include "host/config/field_spec.hpp"

#include <array>
#include <utility>

namespace warden::host {
namespace {

constexpr std::array<std::pair<FieldType, std::string_view>, 17> kFieldTypeNames = {{
    {FieldType::input_text, "input_text"},
    {FieldType::textarea, "textarea"},
    {FieldType::password, "password"},
    {FieldType::int_number, "int_number"},
    {FieldType::decimal_number, "decimal_number"},
    {FieldType::enum_, "enum"},
    {FieldType::selectable, "selectable"},
    {FieldType::multi_selectable, "multi_selectable"},
    {FieldType::date, "date"},
    {FieldType::date_time, "date_time"},
    {FieldType::duration_of_second, "duration_of_second"},
    {FieldType::duration_of_minute, "duration_of_minute"},
    {FieldType::duration_of_hour, "duration_of_hour"},
    {FieldType::memory_size_of_byte, "memory_size_of_byte"},
    {FieldType::memory_size_of_kibi, "memory_size_of_kibi"},
    {FieldType::memory_size_of_mega, "memory_size_of_mega"},
    {FieldType::file, "file"},
}};

}  // namespace

std::optional<FieldType> parse_field_type(std::string_view name) {
  for (const auto& [type, spelling] : kFieldTypeNames)
    if (spelling == name) return type;
  return std::nullopt;
}

std::string_view to_string(FieldType type) {
  for (const auto& [known, spelling] : kFieldTypeNames)
    if (known == type) return spelling;
  return "unknown";
}

}  // namespace warden::host
