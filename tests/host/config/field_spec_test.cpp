#include "host/config/field_spec.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace warden::host {
namespace {

// Every type name of SPEC §2, in the spec's order.
const std::vector<std::string> kSpecTypeNames = {"input_text",
                                                 "textarea",
                                                 "password",
                                                 "int_number",
                                                 "decimal_number",
                                                 "enum",
                                                 "selectable",
                                                 "multi_selectable",
                                                 "date",
                                                 "date_time",
                                                 "duration_of_second",
                                                 "duration_of_minute",
                                                 "duration_of_hour",
                                                 "memory_size_of_byte",
                                                 "memory_size_of_kibi",
                                                 "memory_size_of_mega",
                                                 "file"};

TEST(FieldType, EverySpecNameRoundTrips) {
  for (const auto& name : kSpecTypeNames) {
    auto type = parse_field_type(name);
    ASSERT_TRUE(type) << name;
    EXPECT_EQ(to_string(*type), name);
  }
}

TEST(FieldType, EnumIsSpelledWithoutTheUnderscore) {
  EXPECT_EQ(parse_field_type("enum"), FieldType::enum_);
  EXPECT_EQ(to_string(FieldType::enum_), "enum");
  EXPECT_EQ(parse_field_type("enum_"), std::nullopt);
}

TEST(FieldType, UnknownNamesAreRefused) {
  for (const char* name : {"checkbox", "", "Input_Text", "int", "duration"})
    EXPECT_EQ(parse_field_type(name), std::nullopt) << name;
}

TEST(FieldType, DistinctTypesHaveDistinctNames) {
  EXPECT_EQ(parse_field_type("memory_size_of_kibi"), FieldType::memory_size_of_kibi);
  EXPECT_EQ(parse_field_type("duration_of_hour"), FieldType::duration_of_hour);
  EXPECT_EQ(to_string(FieldType::file), "file");
}

TEST(FieldSpec, PasswordsAndFieldsMarkedSecretAreSecret) {
  FieldSpec field;
  field.type = FieldType::password;
  EXPECT_TRUE(field.is_secret());
  field.type = FieldType::input_text;
  EXPECT_FALSE(field.is_secret());
  field.type = FieldType::textarea;
  field.secret = true;
  EXPECT_TRUE(field.is_secret());
}

}  // namespace
}  // namespace warden::host
