#pragma once
// The host's one way of reading a whole number, from a JSON value or from text (a query parameter,
// a manifest, a request body, an alert). It never throws: Poco's parser hands out Int64, UInt64
// (2^63 and above) or double (1e300, infinity for 1e400), and Var::convert throws on the ones that
// do not fit; every caller refuses instead, naming its own field.

#include <Poco/Dynamic/Var.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace warden::host {

constexpr std::int64_t kMinWholeNumber = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMaxWholeNumber = std::numeric_limits<std::int64_t>::max();

/// A JSON number that is whole and lies in [low, high]: an integer of any width, or a double with
/// no fraction (`1e3`). Booleans, text, fractions, infinity and numbers out of range: nullopt.
std::optional<std::int64_t> whole_number(const Poco::Dynamic::Var& value,
                                         std::int64_t low = kMinWholeNumber,
                                         std::int64_t high = kMaxWholeNumber);

/// Decimal digits with an optional sign (`42`, `-7`, `+3`) that lie in [low, high]; nullopt for
/// anything else (blanks, fractions, exponents, more digits than fit).
std::optional<std::int64_t> whole_number_in_text(std::string_view text,
                                                 std::int64_t low = kMinWholeNumber,
                                                 std::int64_t high = kMaxWholeNumber);

/// What to say when `value` was refused for [low, high], after the field's name:
/// `must be a whole number from 1 to 1000`, plus `, not 5000` when the value was a number.
std::string whole_number_refusal(const Poco::Dynamic::Var& value, std::int64_t low,
                                 std::int64_t high);

/// Where in a text a number stands.
struct NumberSpan {
  std::size_t offset = 0;
  std::size_t length = 0;
};

/// The first integer literal of the JSON text `json` (outside its strings) that lies beyond
/// -2^63 .. 2^64-1. Poco's parser misreads some of those instead of refusing them (2^64 + 1 reads
/// as 1, -2^63 - 1 as -2^63), so a text is checked with this before it is parsed.
std::optional<NumberSpan> integer_beyond_64_bits(std::string_view json);

}  // namespace warden::host
