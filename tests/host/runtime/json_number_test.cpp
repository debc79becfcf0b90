// The one whole-number reader, fed the values Poco's JSON parser really hands out.
#include "host/runtime/json_number.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

namespace warden::host {
namespace {

using Poco::Dynamic::Var;

/// The value of `json` as the parser types it (Int64, UInt64, double, bool, string…).
Var parsed(const std::string& json) {
  return Poco::JSON::Parser()
      .parse(R"({"v": )" + json + "}")
      .extract<Poco::JSON::Object::Ptr>()
      ->get("v");
}

TEST(JsonNumber, ReadsWholeNumbersOfEveryWidthPocoHandsOut) {
  EXPECT_EQ(whole_number(parsed("0")), 0);
  EXPECT_EQ(whole_number(parsed("-7")), -7);
  EXPECT_EQ(whole_number(parsed("9223372036854775807")), kMaxWholeNumber);
  EXPECT_EQ(whole_number(parsed("-9223372036854775808")), kMinWholeNumber);
  EXPECT_EQ(whole_number(parsed("1e3")), 1000);
  EXPECT_EQ(whole_number(parsed("2.0")), 2);
  EXPECT_EQ(whole_number(Var(static_cast<unsigned char>(200))), 200);
  EXPECT_EQ(whole_number(Var(static_cast<short>(-3))), -3);
}

TEST(JsonNumber, RefusesWithoutThrowingWhatNoInt64Holds) {
  for (const std::string& json : std::vector<std::string>{
           "9223372036854775808", "18446744073709551615", "1e300", "-1e300", "9.3e18", "-9.3e18",
           "1.5", "true", "false", "null", "\"3\"", "[1]", "{}"}) {
    SCOPED_TRACE(json);
    EXPECT_EQ(whole_number(parsed(json)), std::nullopt);
  }
  EXPECT_EQ(whole_number(Var(std::numeric_limits<double>::infinity())), std::nullopt);
  EXPECT_EQ(whole_number(Var(std::numeric_limits<double>::quiet_NaN())), std::nullopt);
  EXPECT_EQ(whole_number(Var()), std::nullopt);
}

TEST(JsonNumber, KeepsToTheRange) {
  EXPECT_EQ(whole_number(parsed("1"), 1, 20), 1);
  EXPECT_EQ(whole_number(parsed("20"), 1, 20), 20);
  EXPECT_EQ(whole_number(parsed("0"), 1, 20), std::nullopt);
  EXPECT_EQ(whole_number(parsed("21"), 1, 20), std::nullopt);
  EXPECT_EQ(whole_number(parsed("4294967296"), 0, 2147483647), std::nullopt);
  EXPECT_EQ(whole_number(parsed("-9223372036854775808"), 0, 10), std::nullopt);
}

TEST(JsonNumber, ReadsDigitsInText) {
  EXPECT_EQ(whole_number_in_text("42"), 42);
  EXPECT_EQ(whole_number_in_text("+3"), 3);
  EXPECT_EQ(whole_number_in_text("-0"), 0);
  EXPECT_EQ(whole_number_in_text("007"), 7);
  EXPECT_EQ(whole_number_in_text("9223372036854775807"), kMaxWholeNumber);
  EXPECT_EQ(whole_number_in_text("-9223372036854775808"), kMinWholeNumber);
  for (const std::string text :
       {"", "+", "-", "+-3", "--3", " 3", "3 ", "3.0", "1e3", "0x10", "9223372036854775808",
        "-9223372036854775809", "123456789012345678901234567890", "٣"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(whole_number_in_text(text), std::nullopt);
  }
  EXPECT_EQ(whole_number_in_text("500", 1, 500), 500);
  EXPECT_EQ(whole_number_in_text("501", 1, 500), std::nullopt);
  EXPECT_EQ(whole_number_in_text(std::string(100'000, '9')), std::nullopt);
}

TEST(JsonNumber, RefusalNamesTheRangeAndTheNumberGiven) {
  EXPECT_EQ(whole_number_refusal(parsed("0"), 1, 1000),
            "must be a whole number from 1 to 1000, not 0");
  EXPECT_EQ(whole_number_refusal(parsed("9223372036854775808"), 1, 1000),
            "must be a whole number from 1 to 1000, not 9223372036854775808");
  EXPECT_EQ(whole_number_refusal(parsed("1e300"), 0, 5),
            "must be a whole number from 0 to 5, not 1e+300");
  EXPECT_EQ(whole_number_refusal(parsed("2.5"), 0, 5),
            "must be a whole number from 0 to 5, not 2.5");
  EXPECT_EQ(whole_number_refusal(parsed("\"2\""), 1, 1000000),
            "must be a whole number from 1 to 1000000");
  EXPECT_EQ(whole_number_refusal(parsed("true"), 1, 2), "must be a whole number from 1 to 2");
  EXPECT_EQ(whole_number_refusal(Var(std::numeric_limits<double>::infinity()), 1, 2),
            "must be a whole number from 1 to 2");
}

TEST(JsonNumber, FindsIntegersPocoWouldMisread) {
  // Poco reads 2^64 + 1 as 1 and -2^63 - 1 as -2^63; these texts must be refused before parsing.
  const std::string wrapped = R"({"a": [1, "18446744073709551617"], "b": 18446744073709551617})";
  const auto found = integer_beyond_64_bits(wrapped);
  ASSERT_TRUE(found);
  EXPECT_EQ(wrapped.substr(found->offset, found->length), "18446744073709551617");
  EXPECT_EQ(found->offset, wrapped.rfind("18446744073709551617"));
  for (const std::string& json : std::vector<std::string>{
           "[18446744073709551616]", "[-9223372036854775809]", R"({"x": 99999999999999999999})",
           "[0, -000000000000000000000000009223372036854775809]",
           "[1, 2, 3" + std::string(30, '4')}) {
    SCOPED_TRACE(json);
    EXPECT_TRUE(integer_beyond_64_bits(json));
  }
  for (const std::string& json : std::vector<std::string>{
           "[18446744073709551615]", "[-9223372036854775808]", "[1e400]", "[1.8446744073709551617]",
           "[184467440737095516170e-1]", R"({"s": "18446744073709551617"})",
           R"({"s": "a \" 18446744073709551617 \\"})", R"(["\\", 1])", "[-]", "", "-"}) {
    SCOPED_TRACE(json);
    EXPECT_FALSE(integer_beyond_64_bits(json));
  }
}

}  // namespace
}  // namespace warden::host
