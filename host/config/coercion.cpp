#include "host/config/coercion.hpp"

#include "host/runtime/iso_time.hpp"
#include "host/runtime/json_number.hpp"

#include <Poco/DateTime.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/Timestamp.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <regex>
#include <set>

namespace warden::host::coercion {
namespace {

using Poco::Int64;
using Poco::Dynamic::Var;

// ---- small helpers ------------------------------------------------------------------------------

// Spelled out because Var's templated conversion operator makes `return var;` ambiguous.
Coerced accepted(Var value) {
  return Coerced(std::in_place_index<0>, std::move(value));
}

std::string_view trimmed(std::string_view text) {
  auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), is_digit);
}

// Var says a bool is an integer (numeric_limits<bool>::is_integer), so numbers exclude it here.
bool is_number(const Var& v) {
  return v.isNumeric() && !v.isBoolean();
}
bool is_scalar(const Var& v) {
  return v.isString() || v.isBoolean() || v.isNumeric();
}

bool is_list(const Var& v) {
  return v.type() == typeid(Poco::JSON::Array::Ptr) || v.type() == typeid(std::vector<Var>);
}

std::vector<Var> elements_of(const Var& list) {
  if (list.type() == typeid(std::vector<Var>)) return list.extract<std::vector<Var>>();
  std::vector<Var> out;
  if (auto array = list.extract<Poco::JSON::Array::Ptr>())
    for (const auto& element : *array) out.push_back(element);
  return out;
}

std::optional<Int64> parse_int64(std::string_view text) {
  return host::whole_number_in_text(text);
}

std::optional<double> parse_double(std::string_view text) {
  if (text.starts_with('+')) text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value))
    return std::nullopt;
  return value;
}

// 2^63 as a double: every double below it in magnitude converts to Int64 exactly.
constexpr double kInt64Limit = 9223372036854775808.0;

std::optional<Int64> whole_number(double value) {
  if (!std::isfinite(value) || std::floor(value) != value) return std::nullopt;
  if (value >= kInt64Limit || value < -kInt64Limit) return std::nullopt;
  return static_cast<Int64>(value);
}

// A JSON number as Int64, when it is a whole number that fits.
std::optional<Int64> integer_of(const Var& v) {
  return host::whole_number(v);
}

// ---- text types ---------------------------------------------------------------------------------

Coerced to_text(const Var& value) {
  if (!is_scalar(value)) return std::string("must be text");
  return accepted(Var(value.toString()));
}

bool is_calendar_date(const std::string& text) {
  static const std::regex pattern(R"((\d{4})-(\d{2})-(\d{2}))");
  std::smatch m;
  if (!std::regex_match(text, m, pattern)) return false;
  return Poco::DateTime::isValid(std::stoi(m[1]), std::stoi(m[2]), std::stoi(m[3]));
}

Coerced to_date(const Var& value) {
  if (!value.isString() || !is_calendar_date(value.extract<std::string>()))
    return std::string("must be a date YYYY-MM-DD (e.g. 2024-05-01)");
  return accepted(value);
}

// ---- numbers ------------------------------------------------------------------------------------

Coerced to_int(const Var& value) {
  std::optional<Int64> number;
  if (value.isString())
    number = parse_int64(trimmed(value.extract<std::string>()));
  else
    number = integer_of(value);
  if (!number) return std::string("must be a whole number");
  return accepted(Var(*number));
}

Coerced to_decimal(const Var& value) {
  std::optional<double> number;
  if (value.isString())
    number = parse_double(trimmed(value.extract<std::string>()));
  else if (is_number(value))
    number = value.convert<double>();
  if (!number || !std::isfinite(*number)) return std::string("must be a number");
  return accepted(Var(*number));
}

// ---- enum ---------------------------------------------------------------------------------------

// A spelling that makes "true" equal true and "3" equal 3 or 3.0.
std::string tolerant_text(const Var& v) {
  if (v.isBoolean()) return v.extract<bool>() ? "true" : "false";
  std::optional<double> number;
  if (is_number(v)) number = v.convert<double>();
  if (v.isString()) number = parse_double(trimmed(v.extract<std::string>()));
  if (number) {
    if (auto whole = whole_number(*number)) return std::to_string(*whole);
    return Var(*number).toString();
  }
  return std::string(trimmed(v.toString()));
}

bool exactly_equal(const Var& a, const Var& b) {
  return a.isString() == b.isString() && a.toString() == b.toString();
}

std::string describe_option(const Var& v) {
  return v.isString() ? "\"" + v.toString() + "\"" : v.toString();
}

std::string one_of_message(const std::vector<FieldOption>& options) {
  std::string message = "must be one of ";
  for (std::size_t i = 0; i < options.size(); ++i)
    message += (i ? ", " : "") + describe_option(options[i].value);
  return message;
}

Coerced to_option(const FieldSpec& field, const Var& value) {
  if (!is_scalar(value)) return one_of_message(field.options);
  for (const auto& option : field.options)
    if (exactly_equal(option.value, value)) return accepted(option.value);
  const std::string given = tolerant_text(value);
  for (const auto& option : field.options)
    if (tolerant_text(option.value) == given) return accepted(option.value);
  return one_of_message(field.options);
}

// ---- multi_selectable ---------------------------------------------------------------------------

std::vector<std::string> split_on_commas(std::string_view text) {
  std::vector<std::string> parts;
  while (true) {
    std::size_t comma = text.find(',');
    if (auto part = trimmed(text.substr(0, comma)); !part.empty()) parts.emplace_back(part);
    if (comma == std::string_view::npos) return parts;
    text.remove_prefix(comma + 1);
  }
}

Var to_json_array(const std::vector<std::string>& items) {
  Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
  std::set<std::string> seen;
  for (const auto& item : items)
    if (seen.insert(item).second) array->add(item);  // choosing a channel twice sends once
  return array;
}

Coerced to_string_list(const Var& value) {
  if (value.isString())
    return accepted(to_json_array(split_on_commas(value.extract<std::string>())));
  if (!is_list(value)) return std::string("must be a list of strings");
  std::vector<std::string> items;
  for (const auto& element : elements_of(value)) {
    if (!is_scalar(element)) return std::string("must be a list of strings");
    const std::string element_text = element.toString();  // trimmed() views into it
    if (auto text = trimmed(element_text); !text.empty()) items.emplace_back(text);
  }
  return accepted(to_json_array(items));
}

// ---- date_time ----------------------------------------------------------------------------------

constexpr const char* kDateTimeProblem =
    "must be an ISO 8601 date-time with Z or an offset (e.g. 2024-05-01T08:00:00Z), or epoch "
    "milliseconds";

Coerced from_epoch_millis(Int64 millis) {
  // Years 1 to 9999: what the normalized text can spell.
  if (millis < kFirstIsoMs || millis > kLastIsoMs) return std::string(kDateTimeProblem);
  return accepted(Var(iso8601_utc_seconds(millis)));
}

// The one ISO 8601 reader (host/runtime/iso_time.hpp); its reason follows the general hint.
Coerced from_iso_text(const std::string& text) {
  try {
    return from_epoch_millis(parse_iso8601(text).unix_ms);
  } catch (const IsoTimeError& e) {
    return std::string(kDateTimeProblem) + ": " + e.reason();
  }
}

Coerced to_date_time(const Var& value) {
  if (value.isString()) {
    std::string text(trimmed(value.extract<std::string>()));
    if (auto millis = all_digits(text) ? parse_int64(text) : std::nullopt)
      return from_epoch_millis(*millis);
    return from_iso_text(text);
  }
  if (auto millis = integer_of(value)) return from_epoch_millis(*millis);
  return std::string(kDateTimeProblem);
}

// ---- durations and sizes ------------------------------------------------------------------------

struct Unit {
  char symbol;  // upper case
  Int64 size;   // in seconds or bytes
};

// Sums "<digits><unit>" parts, e.g. "1h30m" or the "1H30M" of "PT1H30M". Units come from `units`
// (case-insensitive); spaces between parts are allowed when `spaced`.
std::optional<Int64> sum_of_parts(std::string_view text, const std::vector<Unit>& units,
                                  bool spaced) {
  if (text.empty()) return std::nullopt;
  Int64 total = 0;
  while (!text.empty()) {
    std::size_t digits = 0;
    while (digits < text.size() && is_digit(text[digits])) ++digits;
    if (digits == 0 || digits == text.size()) return std::nullopt;
    auto count = parse_int64(text.substr(0, digits));
    char symbol = static_cast<char>(std::toupper(static_cast<unsigned char>(text[digits])));
    auto unit =
        std::find_if(units.begin(), units.end(), [&](const Unit& u) { return u.symbol == symbol; });
    if (!count || unit == units.end()) return std::nullopt;
    Int64 part = 0;
    if (__builtin_mul_overflow(*count, unit->size, &part) ||
        __builtin_add_overflow(total, part, &total))
      return std::nullopt;
    text.remove_prefix(digits + 1);
    if (spaced) text = trimmed(text);
  }
  return total;
}

const std::vector<Unit> kShortDurationUnits = {
    {'W', 604800}, {'D', 86400}, {'H', 3600}, {'M', 60}, {'S', 1}};
const std::vector<Unit> kIsoDateUnits = {{'W', 604800}, {'D', 86400}};
const std::vector<Unit> kIsoTimeUnits = {{'H', 3600}, {'M', 60}, {'S', 1}};

// ISO 8601 "P1DT2H30M": years and months are refused, as they have no fixed length.
std::optional<Int64> iso_duration_seconds(std::string_view text) {
  text.remove_prefix(1);  // the P
  std::size_t t = text.find_first_of("Tt");
  std::string_view date = text.substr(0, t);
  std::optional<Int64> seconds = date.empty() ? Int64(0) : sum_of_parts(date, kIsoDateUnits, false);
  if (t != std::string_view::npos) {
    auto time = sum_of_parts(text.substr(t + 1), kIsoTimeUnits, false);
    if (!seconds || !time || __builtin_add_overflow(*seconds, *time, &*seconds))
      return std::nullopt;
  } else if (date.empty()) {
    return std::nullopt;
  }
  return seconds;
}

struct Measure {
  Int64 unit;               // the field's unit, in seconds or bytes
  const char* unit_name;    // "minutes", "KiB", …
  const char* format_hint;  // what the value may look like
};

Measure duration_measure(FieldType type) {
  constexpr const char* kHint = "must be a duration such as 90s, 5m, 1h30m, 1d or PT5M";
  if (type == FieldType::duration_of_hour) return {3600, "hours", kHint};
  if (type == FieldType::duration_of_minute) return {60, "minutes", kHint};
  return {1, "seconds", kHint};
}

Measure memory_measure(FieldType type) {
  constexpr const char* kHint = "must be a size such as 512, 64k, 64KiB, 1M or 2GiB";
  if (type == FieldType::memory_size_of_mega) return {1024 * 1024, "MiB", kHint};
  if (type == FieldType::memory_size_of_kibi) return {1024, "KiB", kHint};
  return {1, "bytes", kHint};
}

std::optional<Int64> duration_seconds(std::string_view text) {
  if (text.starts_with('P') || text.starts_with('p')) return iso_duration_seconds(text);
  return sum_of_parts(text, kShortDurationUnits, true);
}

// "64k", "64KB", "64KiB", "1 M", "512B": binary multiples whatever the spelling.
std::optional<Int64> memory_bytes(std::string_view text) {
  // std::regex recurses once per character: no size is longer than this, and a hostile text stays
  // off the stack.
  if (text.size() > 64) return std::nullopt;
  static const std::regex pattern(R"((\d+)\s*(?:([kmgt])(?:i?b)?|b)?)", std::regex::icase);
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_match(text.begin(), text.end(), m, pattern)) return std::nullopt;
  auto count = parse_int64(std::string_view(&*m[1].first, m[1].length()));
  int power = 0;
  if (m[2].matched) {
    char prefix = static_cast<char>(std::tolower(static_cast<unsigned char>(*m[2].first)));
    power = 1 + static_cast<int>(std::string_view("kmgt").find(prefix));
  }
  Int64 bytes = count.value_or(-1);
  for (int i = 0; i < power && bytes >= 0; ++i)
    if (__builtin_mul_overflow(bytes, Int64(1024), &bytes)) bytes = -1;
  return bytes >= 0 ? std::optional(bytes) : std::nullopt;
}

using BaseParser = std::optional<Int64> (*)(std::string_view);

// An amount: a bare number in the field's unit, or a text with units parsed to the base unit
// (seconds or bytes), which must then be a whole number of the field's unit.
Coerced to_amount(const Var& value, const Measure& measure, BaseParser parse_with_units) {
  std::optional<Int64> in_unit;
  if (value.isString()) {
    std::string_view text = trimmed(value.extract<std::string>());
    if (text.starts_with('-')) return std::string("must not be negative");
    if (all_digits(text)) {
      in_unit = parse_int64(text);
    } else if (auto base = parse_with_units(text)) {
      if (*base % measure.unit != 0)
        return std::string("must be a whole number of ") + measure.unit_name;
      in_unit = *base / measure.unit;
    }
  } else if (is_number(value)) {
    in_unit = integer_of(value);
    if (!in_unit) return std::string("must be a whole number of ") + measure.unit_name;
  }
  if (!in_unit) return std::string(measure.format_hint);
  if (*in_unit < 0) return std::string("must not be negative");
  return accepted(Var(*in_unit));
}

// Types for which an empty text is a value of its own (a cleared template), not "not given".
bool is_free_text_type(FieldType type) {
  switch (type) {
    case FieldType::input_text:
    case FieldType::textarea:
    case FieldType::password:
    case FieldType::file:
    case FieldType::selectable:
      return true;
    default:
      return false;
  }
}

}  // namespace

bool is_unset(const FieldSpec& field, const Var& value) {
  if (value.isEmpty()) return true;
  return !is_free_text_type(field.type) && value.isString() &&
         trimmed(value.extract<std::string>()).empty();
}

Coerced coerce(const FieldSpec& field, const Var& value) {
  switch (field.type) {
    case FieldType::input_text:
    case FieldType::textarea:
    case FieldType::password:
    case FieldType::file:
    case FieldType::selectable:
      return to_text(value);
    case FieldType::date:
      return to_date(value);
    case FieldType::int_number:
      return to_int(value);
    case FieldType::decimal_number:
      return to_decimal(value);
    case FieldType::enum_:
      return to_option(field, value);
    case FieldType::multi_selectable:
      return to_string_list(value);
    case FieldType::date_time:
      return to_date_time(value);
    case FieldType::duration_of_second:
    case FieldType::duration_of_minute:
    case FieldType::duration_of_hour:
      return to_amount(value, duration_measure(field.type), duration_seconds);
    case FieldType::memory_size_of_byte:
    case FieldType::memory_size_of_kibi:
    case FieldType::memory_size_of_mega:
      return to_amount(value, memory_measure(field.type), memory_bytes);
  }
  return std::string("has an unknown field type");
}

std::vector<std::string> texts_of(const Var& coerced) {
  if (coerced.isEmpty()) return {""};
  if (!is_list(coerced)) return {coerced.toString()};
  std::vector<std::string> texts;
  for (const auto& element : elements_of(coerced)) texts.push_back(element.toString());
  if (texts.empty()) texts.emplace_back();  // an empty list is an empty value to `require`
  return texts;
}

}  // namespace warden::host::coercion
