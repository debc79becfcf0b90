#include "host/runtime/json_number.hpp"

#include <Poco/Exception.h>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace warden::host {
namespace {

using Poco::Dynamic::Var;

// 2^63 as a double: every whole double of smaller magnitude converts to int64 exactly.
constexpr double kTwoTo63 = 9223372036854775808.0;

// Var says a bool is an integer (numeric_limits<bool>::is_integer), so numbers exclude it here.
bool is_number(const Var& value) {
  return value.isNumeric() && !value.isBoolean();
}

std::optional<std::int64_t> integer_value(const Var& value) {
  if (value.isSigned()) return value.convert<std::int64_t>();
  const auto magnitude = value.convert<std::uint64_t>();
  if (magnitude > static_cast<std::uint64_t>(kMaxWholeNumber)) return std::nullopt;
  return static_cast<std::int64_t>(magnitude);
}

std::optional<std::int64_t> whole_double(double value) {
  if (!std::isfinite(value) || std::floor(value) != value) return std::nullopt;
  if (value >= kTwoTo63 || value < -kTwoTo63) return std::nullopt;
  return static_cast<std::int64_t>(value);
}

std::optional<std::int64_t> any_whole_number(const Var& value) {
  if (!is_number(value)) return std::nullopt;
  try {
    return value.isInteger() ? integer_value(value) : whole_double(value.convert<double>());
  } catch (const Poco::Exception&) {  // a type Var cannot narrow: out of range all the same
    return std::nullopt;
  }
}

std::optional<std::int64_t> within(std::optional<std::int64_t> n, std::int64_t low,
                                   std::int64_t high) {
  if (n && *n >= low && *n <= high) return n;
  return std::nullopt;
}

/// How a refused number is written back in a message; empty when it has no finite spelling.
std::string spelled(const Var& value) {
  if (!is_number(value)) return {};
  try {
    if (value.isInteger()) return value.toString();
    const double d = value.convert<double>();
    if (!std::isfinite(d)) return {};
    char text[32];
    const auto [end, error] = std::to_chars(text, text + sizeof text, d);
    return error == std::errc() ? std::string(text, end) : std::string();
  } catch (const Poco::Exception&) {
    return {};
  }
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

/// True when the literal `token` (`-`? digits, no fraction or exponent) lies beyond
/// -2^63 .. 2^64-1.
bool beyond_64_bits(std::string_view token) {
  const bool negative = token.starts_with('-');
  if (negative) token.remove_prefix(1);
  if (token.empty() || !std::all_of(token.begin(), token.end(), is_digit)) return false;
  while (token.size() > 1 && token.front() == '0') token.remove_prefix(1);
  const std::string_view limit = negative ? "9223372036854775808" : "18446744073709551615";
  return token.size() > limit.size() || (token.size() == limit.size() && token > limit);
}

}  // namespace

std::optional<NumberSpan> integer_beyond_64_bits(std::string_view json) {
  bool in_string = false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\')
        ++i;  // an escaped character, perhaps a quote
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
      continue;
    }
    if (c != '-' && !is_digit(c)) continue;
    const std::size_t end = json.find_first_not_of("0123456789+-.eE", i);
    const auto token = json.substr(i, end == std::string_view::npos ? json.npos : end - i);
    if (token.find_first_of(".eE") == std::string_view::npos && beyond_64_bits(token))
      return NumberSpan{i, token.size()};
    i += token.size() - 1;
  }
  return std::nullopt;
}

std::optional<std::int64_t> whole_number(const Var& value, std::int64_t low, std::int64_t high) {
  return within(any_whole_number(value), low, high);
}

std::optional<std::int64_t> whole_number_in_text(std::string_view text, std::int64_t low,
                                                 std::int64_t high) {
  const bool negative = text.starts_with('-');
  if (negative || text.starts_with('+')) text.remove_prefix(1);
  if (text.empty() || !std::all_of(text.begin(), text.end(), is_digit)) return std::nullopt;
  std::uint64_t magnitude = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), magnitude);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  constexpr auto kMaxMagnitude = static_cast<std::uint64_t>(kMaxWholeNumber);
  if (magnitude > kMaxMagnitude + (negative ? 1 : 0)) return std::nullopt;
  if (!negative) return within(static_cast<std::int64_t>(magnitude), low, high);
  // -(2^63) has no positive counterpart: negate in unsigned arithmetic, then convert.
  return within(static_cast<std::int64_t>(0 - magnitude), low, high);
}

std::string whole_number_refusal(const Var& value, std::int64_t low, std::int64_t high) {
  std::string message =
      "must be a whole number from " + std::to_string(low) + " to " + std::to_string(high);
  if (const auto text = spelled(value); !text.empty()) message += ", not " + text;
  return message;
}

}  // namespace warden::host
