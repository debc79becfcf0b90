// Each field type's coercion, through ConfigSchema::check (the per-field logic of apply).
#include "host/config/config_schema.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace warden::host {
namespace {

using Poco::Dynamic::Var;

// A JSON literal as the parser gives it (so 3 is an Int64, 3.0 a double, [..] an Array::Ptr).
Var json(const std::string& literal) {
  Poco::JSON::Parser parser;
  return parser.parse(R"({"v": )" + literal + "}").extract<Poco::JSON::Object::Ptr>()->get("v");
}

std::string json_text(const Var& value) {
  std::ostringstream out;
  Poco::JSON::Stringifier::stringify(value, out);
  return out.str();
}

FieldSpec field_of(FieldType type, std::vector<FieldOption> options = {}) {
  FieldSpec field;
  field.name = "f";
  field.type = type;
  field.options = std::move(options);
  return field;
}

struct CoercionCase {
  FieldType type;
  std::string input;     // a JSON literal
  std::string expected;  // the coerced value as JSON, or the error message
  bool accepted = true;
};

CoercionCase ok(FieldType type, std::string input, std::string expected) {
  return {type, std::move(input), std::move(expected), true};
}
CoercionCase refused(FieldType type, std::string input, std::string message) {
  return {type, std::move(input), std::move(message), false};
}

std::ostream& operator<<(std::ostream& out, const CoercionCase& c) {
  return out << to_string(c.type) << " " << c.input;
}

void expect_outcome(const FieldSpec& field, const CoercionCase& c) {
  auto outcome = ConfigSchema::check(field, json(c.input));
  if (c.accepted) {
    ASSERT_TRUE(std::holds_alternative<Var>(outcome)) << std::get<std::string>(outcome);
    EXPECT_EQ(json_text(std::get<Var>(outcome)), c.expected);
  } else {
    ASSERT_TRUE(std::holds_alternative<std::string>(outcome))
        << "accepted as " << json_text(std::get<Var>(outcome));
    EXPECT_EQ(std::get<std::string>(outcome), c.expected);
  }
}

class ConfigCoercion : public ::testing::TestWithParam<CoercionCase> {};

TEST_P(ConfigCoercion, CoercesOrRefuses) {
  expect_outcome(field_of(GetParam().type), GetParam());
}

using T = FieldType;
constexpr const char* kDurationHint = "must be a duration such as 90s, 5m, 1h30m, 1d or PT5M";
constexpr const char* kSizeHint = "must be a size such as 512, 64k, 64KiB, 1M or 2GiB";
constexpr const char* kDateTimeHint =
    "must be an ISO 8601 date-time with Z or an offset (e.g. 2024-05-01T08:00:00Z), or epoch "
    "milliseconds";

INSTANTIATE_TEST_SUITE_P(
    ConfigTextTypes, ConfigCoercion,
    ::testing::Values(ok(T::input_text, R"("abc")", R"("abc")"), ok(T::input_text, "42", R"("42")"),
                      ok(T::input_text, "true", R"("true")"), ok(T::input_text, "1.5", R"("1.5")"),
                      ok(T::input_text, R"("")", R"("")"),
                      refused(T::input_text, R"(["a"])", "must be text"),
                      refused(T::input_text, R"({"a": 1})", "must be text"),
                      ok(T::textarea, R"("line 1\nline 2")", R"("line 1\nline 2")"),
                      ok(T::password, "1234", R"("1234")"),
                      ok(T::file, R"("templates/a.md")", R"("templates/a.md")"),
                      ok(T::selectable, "7", R"("7")")));

INSTANTIATE_TEST_SUITE_P(
    ConfigNumbers, ConfigCoercion,
    ::testing::Values(ok(T::int_number, "42", "42"), ok(T::int_number, R"("42")", "42"),
                      ok(T::int_number, R"(" -7 ")", "-7"), ok(T::int_number, R"("+3")", "3"),
                      ok(T::int_number, "3.0", "3"),
                      ok(T::int_number, "9223372036854775807", "9223372036854775807"),
                      refused(T::int_number, "3.5", "must be a whole number"),
                      refused(T::int_number, R"("3.5")", "must be a whole number"),
                      refused(T::int_number, R"("ten")", "must be a whole number"),
                      refused(T::int_number, R"("+-3")", "must be a whole number"),
                      refused(T::int_number, R"("--3")", "must be a whole number"),
                      refused(T::int_number, "true", "must be a whole number"),
                      refused(T::int_number, "9223372036854775808", "must be a whole number"),
                      refused(T::int_number, R"("99999999999999999999")", "must be a whole number"),
                      ok(T::decimal_number, "1.5", "1.5"),
                      ok(T::decimal_number, R"("2.25")", "2.25"),
                      ok(T::decimal_number, R"("-0.5")", "-0.5"),
                      ok(T::decimal_number, R"("1e3")", "1000"),
                      refused(T::decimal_number, R"("abc")", "must be a number"),
                      refused(T::decimal_number, R"("nan")", "must be a number"),
                      refused(T::decimal_number, R"("1.5x")", "must be a number"),
                      refused(T::decimal_number, "false", "must be a number")));

INSTANTIATE_TEST_SUITE_P(
    ConfigLists, ConfigCoercion,
    ::testing::Values(ok(T::multi_selectable, R"(["a", "b"])", R"(["a","b"])"),
                      ok(T::multi_selectable, R"("a, b ,c")", R"(["a","b","c"])"),
                      ok(T::multi_selectable, R"("a,,a, ")", R"(["a"])"),
                      ok(T::multi_selectable, R"([" x ", 3])", R"(["x","3"])"),
                      ok(T::multi_selectable, "[]", "[]"),
                      refused(T::multi_selectable, R"([{"a": 1}])", "must be a list of strings"),
                      refused(T::multi_selectable, R"([["a"]])", "must be a list of strings"),
                      refused(T::multi_selectable, R"({"a": 1})", "must be a list of strings")));

INSTANTIATE_TEST_SUITE_P(
    ConfigDates, ConfigCoercion,
    ::testing::Values(
        ok(T::date, R"("2024-02-29")", R"("2024-02-29")"),
        refused(T::date, R"("2023-02-29")", "must be a date YYYY-MM-DD (e.g. 2024-05-01)"),
        refused(T::date, R"("2024-13-01")", "must be a date YYYY-MM-DD (e.g. 2024-05-01)"),
        refused(T::date, R"("2024-1-01")", "must be a date YYYY-MM-DD (e.g. 2024-05-01)"),
        refused(T::date, R"("2024-01-01T00:00:00Z")",
                "must be a date YYYY-MM-DD (e.g. 2024-05-01)"),
        refused(T::date, "20240101", "must be a date YYYY-MM-DD (e.g. 2024-05-01)"),
        ok(T::date_time, R"("2024-05-01T08:00:00Z")", R"("2024-05-01T08:00:00Z")"),
        ok(T::date_time, R"("2024-05-01T10:00:00+02:00")", R"("2024-05-01T08:00:00Z")"),
        ok(T::date_time, R"("2024-05-01T01:30:00-06:30")", R"("2024-05-01T08:00:00Z")"),
        ok(T::date_time, R"("2024-05-01T10:00:00.123+02:00")", R"("2024-05-01T08:00:00Z")"),
        ok(T::date_time, R"("2024-05-01T10:00:00.123456789+02:00[Europe/Berlin]")",
           R"("2024-05-01T08:00:00Z")"),
        refused(T::date_time, R"("2024-05-01T08:00Z")",
                std::string(kDateTimeHint) +
                    ": expected ':' after the minute (seconds are required), "
                    "e.g. 2019-10-01T12:00:00Z or 2019-10-02T08:09:40+02:00[Europe/Berlin]"),
        refused(T::date_time, R"("2024-05-01T01:30:00-0630")",
                std::string(kDateTimeHint) + ": the offset needs a colon: ±HH:MM, e.g. +02:00"),
        ok(T::date_time, R"("2024-01-01T01:00:00+02:00")", R"("2023-12-31T23:00:00Z")"),
        ok(T::date_time, "1714550400000", R"("2024-05-01T08:00:00Z")"),
        ok(T::date_time, R"("1714550400000")", R"("2024-05-01T08:00:00Z")"),
        ok(T::date_time, "0", R"("1970-01-01T00:00:00Z")"),
        ok(T::date_time, "253402300799999", R"("9999-12-31T23:59:59Z")"),
        // Before the Gregorian reform too (Poco::DateTime spelled negative hours there: found by
        // config_fuzz with -23273920365419); the expected texts are Python's datetime.
        ok(T::date_time, "-23273920365419", R"("1232-06-23T22:07:14Z")"),
        ok(T::date_time, "-62135596800000", R"("0001-01-01T00:00:00Z")"),
        ok(T::date_time, "-12219292800001", R"("1582-10-14T23:59:59Z")"),
        ok(T::date_time, R"("1232-06-24T00:07:14+02:00")", R"("1232-06-23T22:07:14Z")"),
        refused(T::date_time, "253402300800000", kDateTimeHint),
        refused(T::date_time, R"("2024-05-01T08:00:00")",
                std::string(kDateTimeHint) +
                    ": needs Z or an offset such as +02:00 after the time"),
        refused(T::date_time, R"("2024-02-30T00:00:00Z")",
                std::string(kDateTimeHint) + ": day 30 does not exist in 2024-02"),
        refused(T::date_time, R"("2024-05-01T25:00:00Z")",
                std::string(kDateTimeHint) + ": the hour must be 00 to 23"),
        refused(T::date_time, R"("2024-05-01 08:00:00Z")",
                std::string(kDateTimeHint) +
                    ": expected 'T' between the date and the time, e.g. "
                    "2019-10-01T12:00:00Z or 2019-10-02T08:09:40+02:00[Europe/Berlin]"),
        refused(T::date_time, R"("yesterday")",
                std::string(kDateTimeHint) + ": the year must be exactly 4 digits"),
        refused(T::date_time, "1.5", kDateTimeHint), refused(T::date_time, "true", kDateTimeHint)));

INSTANTIATE_TEST_SUITE_P(
    ConfigDurations, ConfigCoercion,
    ::testing::Values(
        ok(T::duration_of_second, "90", "90"), ok(T::duration_of_second, R"("90")", "90"),
        ok(T::duration_of_second, R"("90s")", "90"), ok(T::duration_of_second, R"("5m")", "300"),
        ok(T::duration_of_second, R"("2h")", "7200"),
        ok(T::duration_of_second, R"("1h30m")", "5400"),
        ok(T::duration_of_second, R"("1h 30m")", "5400"),
        ok(T::duration_of_second, R"("1d")", "86400"),
        ok(T::duration_of_second, R"("PT5M")", "300"),
        ok(T::duration_of_second, R"("PT1H30M")", "5400"),
        ok(T::duration_of_second, R"("P1DT1H")", "90000"),
        ok(T::duration_of_second, R"("P2D")", "172800"), ok(T::duration_of_second, "0", "0"),
        refused(T::duration_of_second, "-5", "must not be negative"),
        refused(T::duration_of_second, R"("-5m")", "must not be negative"),
        refused(T::duration_of_second, "1.5", "must be a whole number of seconds"),
        refused(T::duration_of_second, R"("5x")", kDurationHint),
        refused(T::duration_of_second, R"("m5")", kDurationHint),
        refused(T::duration_of_second, R"("P1M")", kDurationHint),
        refused(T::duration_of_second, R"("P1Y")", kDurationHint),
        refused(T::duration_of_second, R"("PT")", kDurationHint),
        refused(T::duration_of_second, R"("P")", kDurationHint),
        refused(T::duration_of_second, R"("PT1.5S")", kDurationHint),
        refused(T::duration_of_second, "true", kDurationHint),
        refused(T::duration_of_second, R"("99999999999999999999d")", kDurationHint),
        ok(T::duration_of_minute, "15", "15"), ok(T::duration_of_minute, R"("15")", "15"),
        ok(T::duration_of_minute, R"("120s")", "2"), ok(T::duration_of_minute, R"("1h30m")", "90"),
        ok(T::duration_of_minute, R"("PT5M")", "5"), ok(T::duration_of_minute, R"("1d")", "1440"),
        refused(T::duration_of_minute, R"("90s")", "must be a whole number of minutes"),
        ok(T::duration_of_hour, R"("2h")", "2"), ok(T::duration_of_hour, R"("1d")", "24"),
        ok(T::duration_of_hour, R"("P1D")", "24"), ok(T::duration_of_hour, "3", "3"),
        refused(T::duration_of_hour, R"("90m")", "must be a whole number of hours")));

INSTANTIATE_TEST_SUITE_P(
    ConfigSizes, ConfigCoercion,
    ::testing::Values(
        ok(T::memory_size_of_byte, "512", "512"), ok(T::memory_size_of_byte, R"("512")", "512"),
        ok(T::memory_size_of_byte, R"("512B")", "512"),
        ok(T::memory_size_of_byte, R"("64k")", "65536"),
        ok(T::memory_size_of_byte, R"("64KiB")", "65536"),
        ok(T::memory_size_of_byte, R"("64KB")", "65536"),
        ok(T::memory_size_of_byte, R"("64 kb")", "65536"),
        ok(T::memory_size_of_byte, R"("1M")", "1048576"),
        ok(T::memory_size_of_byte, R"("1MiB")", "1048576"),
        ok(T::memory_size_of_byte, R"("2G")", "2147483648"),
        ok(T::memory_size_of_byte, R"("2GiB")", "2147483648"),
        refused(T::memory_size_of_byte, R"("-1")", "must not be negative"),
        refused(T::memory_size_of_byte, "-1", "must not be negative"),
        refused(T::memory_size_of_byte, R"("1.5G")", kSizeHint),
        refused(T::memory_size_of_byte, R"("1X")", kSizeHint),
        refused(T::memory_size_of_byte, R"("KiB")", kSizeHint),
        refused(T::memory_size_of_byte, R"("99999999999T")", kSizeHint),
        ok(T::memory_size_of_kibi, "64", "64"), ok(T::memory_size_of_kibi, R"("512")", "512"),
        ok(T::memory_size_of_kibi, R"("64k")", "64"), ok(T::memory_size_of_kibi, R"("1M")", "1024"),
        ok(T::memory_size_of_kibi, R"("1MiB")", "1024"),
        ok(T::memory_size_of_kibi, R"("2GiB")", "2097152"),
        refused(T::memory_size_of_kibi, R"("100B")", "must be a whole number of KiB"),
        ok(T::memory_size_of_mega, "8", "8"), ok(T::memory_size_of_mega, R"("1M")", "1"),
        ok(T::memory_size_of_mega, R"("2G")", "2048"),
        refused(T::memory_size_of_mega, R"("512k")", "must be a whole number of MiB")));

std::vector<FieldOption> options_for(const std::string& input_kind) {
  if (input_kind == "bool") return {{"yes", true}, {"no", false}};
  if (input_kind == "number") return {{"one", Poco::Int64(1)}, {"three", Poco::Int64(3)}};
  return {{"post", std::string("POST")}, {"put", std::string("PUT")}};
}

TEST(ConfigEnumCoercion, MatchesOptionsWithTypeTolerance) {
  struct Case {
    std::string options;
    std::string input;
    std::string expected;
    bool accepted;
  };
  const std::vector<Case> cases = {
      {"bool", "true", "true", true},
      {"bool", R"("true")", "true", true},
      {"bool", R"("false")", "false", true},
      {"bool", R"("maybe")", "must be one of true, false", false},
      {"bool", "1", "must be one of true, false", false},
      {"number", "3", "3", true},
      {"number", R"("3")", "3", true},
      {"number", "3.0", "3", true},
      {"number", "2", "must be one of 1, 3", false},
      {"text", R"("PUT")", R"("PUT")", true},
      {"text", R"("GET")", R"(must be one of "POST", "PUT")", false},
      {"text", "[]", R"(must be one of "POST", "PUT")", false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.options + " " + c.input);
    expect_outcome(field_of(T::enum_, options_for(c.options)),
                   {T::enum_, c.input, c.expected, c.accepted});
  }
}

TEST(ConfigEnumCoercion, StoresTheOptionsOwnValue) {
  auto outcome = ConfigSchema::check(field_of(T::enum_, options_for("bool")), Var("true"));
  ASSERT_TRUE(std::holds_alternative<Var>(outcome));
  EXPECT_TRUE(std::get<Var>(outcome).isBoolean());
}

TEST(ConfigCoercionTypes, NumbersAreStoredAsNumbers) {
  auto integer = ConfigSchema::check(field_of(T::int_number), Var("42"));
  EXPECT_EQ(std::get<Var>(integer).type(), typeid(Poco::Int64));
  auto decimal = ConfigSchema::check(field_of(T::decimal_number), Var(Poco::Int64(3)));
  EXPECT_EQ(std::get<Var>(decimal).type(), typeid(double));
  auto duration = ConfigSchema::check(field_of(T::duration_of_minute), Var("1h"));
  EXPECT_EQ(std::get<Var>(duration).type(), typeid(Poco::Int64));
  EXPECT_EQ(std::get<Var>(duration).convert<Poco::Int64>(), 60);
}

// Stored configurations and manifest defaults are checked again: a coerced value must survive.
TEST(ConfigCoercionTypes, CoercingTwiceChangesNothing) {
  const std::vector<std::pair<FieldType, std::string>> inputs = {
      {T::int_number, R"("42")"},         {T::decimal_number, R"("2.5")"},
      {T::multi_selectable, R"("a, b")"}, {T::date_time, R"("2024-05-01T10:00:00+02:00")"},
      {T::duration_of_minute, R"("2h")"}, {T::memory_size_of_kibi, R"("1MiB")"},
      {T::date, R"("2024-05-01")"},       {T::input_text, "12"},
  };
  for (const auto& [type, input] : inputs) {
    auto once = ConfigSchema::check(field_of(type), json(input));
    ASSERT_TRUE(std::holds_alternative<Var>(once)) << input;
    auto twice = ConfigSchema::check(field_of(type), std::get<Var>(once));
    ASSERT_TRUE(std::holds_alternative<Var>(twice)) << input;
    EXPECT_EQ(json_text(std::get<Var>(twice)), json_text(std::get<Var>(once))) << input;
  }
}

TEST(ConfigCoercionTypes, EmptyTextLeavesANonTextFieldUnset) {
  auto outcome = ConfigSchema::check(field_of(T::int_number), Var(""));
  ASSERT_TRUE(std::holds_alternative<Var>(outcome));
  EXPECT_TRUE(std::get<Var>(outcome).isEmpty());
  auto date = ConfigSchema::check(field_of(T::date), Var(" "));
  EXPECT_TRUE(std::get<Var>(date).isEmpty());
  auto text = ConfigSchema::check(field_of(T::input_text), Var(""));
  ASSERT_FALSE(std::get<Var>(text).isEmpty());
  EXPECT_EQ(std::get<Var>(text).toString(), "");
}

}  // namespace
}  // namespace warden::host
