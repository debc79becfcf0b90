#include "host/config/config_schema.hpp"

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace warden::host {
namespace {

using Errors = std::map<std::string, std::string>;
using Poco::Dynamic::Var;

Poco::JSON::Object::Ptr parse_object(const std::string& text) {
  Poco::JSON::Parser parser;
  return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::string json_text(const Poco::JSON::Object::Ptr& object) {
  std::ostringstream out;
  Poco::JSON::Stringifier::stringify(object, out);
  return out.str();
}

FieldSpec field(std::string name, FieldType type, int ordinal,
                std::vector<std::string> validators = {},
                std::optional<Var> default_value = std::nullopt) {
  FieldSpec f;
  f.name = std::move(name);
  f.type = type;
  f.ordinal = ordinal;
  f.validators = std::move(validators);
  f.default_value = std::move(default_value);
  return f;
}

// Shaped like the bundled email channel (SPEC §8), listed out of form order on purpose.
ConfigSchema email_schema() {
  FieldSpec ssl = field("ssl", FieldType::enum_, 6, {}, false);
  ssl.options = {{"yes", true}, {"no", false}};
  return ConfigSchema({
      field("to", FieldType::multi_selectable, 8, {"require", "email"}),
      field("smtpHost", FieldType::input_text, 1, {"require", "host_without_port"}),
      field("smtpPort", FieldType::int_number, 2, {"require"}, Poco::Int64(465)),
      field("from", FieldType::input_text, 3, {"require", "email"}),
      field("userName", FieldType::input_text, 4),
      field("password", FieldType::password, 5),
      ssl,
      field("timeout", FieldType::duration_of_second, 7, {}, std::string("30s")),
  });
}

constexpr const char* kValidEmailConfig =
    R"({"smtpHost": "smtp.example.com", "from": "ops@example.com", "to": "a@example.com"})";

TEST(ConfigSchemaFields, AreKeptInFormOrderAndFoundByName) {
  ConfigSchema schema({field("b", FieldType::input_text, 2), field("z", FieldType::input_text, 1),
                       field("a", FieldType::input_text, 2)});
  std::vector<std::string> names;
  for (const auto& f : schema.fields()) names.push_back(f.name);
  EXPECT_EQ(names, (std::vector<std::string>{"z", "a", "b"}));
  ASSERT_NE(schema.find("a"), nullptr);
  EXPECT_EQ(schema.find("a")->ordinal, 2);
  EXPECT_EQ(schema.find("missing"), nullptr);
}

TEST(ConfigSchemaApply, FillsDefaultsAndCoercesInFormOrder) {
  auto result = email_schema().apply(*parse_object(kValidEmailConfig));
  EXPECT_EQ(result.errors, Errors{});
  EXPECT_EQ(json_text(result.values),
            R"({"smtpHost":"smtp.example.com","smtpPort":465,"from":"ops@example.com",)"
            R"("ssl":false,"timeout":30,"to":["a@example.com"]})");
}

TEST(ConfigSchemaApply, NullMeansMissingAndTakesTheDefault) {
  auto input = parse_object(kValidEmailConfig);
  input->set("smtpPort", Var());
  input->set("userName", Var());
  auto result = email_schema().apply(*input);
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result.values->getValue<Poco::Int64>("smtpPort"), 465);
  EXPECT_FALSE(result.values->has("userName"));  // no default: left out
}

TEST(ConfigSchemaApply, GivenValuesWinOverDefaults) {
  auto input = parse_object(kValidEmailConfig);
  input->set("smtpPort", "587");
  input->set("ssl", "true");
  input->set("timeout", "2m");
  auto result = email_schema().apply(*input);
  EXPECT_EQ(result.errors, Errors{});
  EXPECT_EQ(result.values->getValue<Poco::Int64>("smtpPort"), 587);
  EXPECT_EQ(result.values->get("ssl").extract<bool>(), true);
  EXPECT_EQ(result.values->getValue<Poco::Int64>("timeout"), 120);
}

TEST(ConfigSchemaApply, RefusesUnknownFields) {
  auto input = parse_object(kValidEmailConfig);
  input->set("colour", "red");
  input->set("smtp_host", Var());
  auto result = email_schema().apply(*input);
  EXPECT_EQ(result.errors, (Errors{{"colour", "unknown field"}, {"smtp_host", "unknown field"}}));
}

TEST(ConfigSchemaApply, ReportsEveryFailingFieldAtOnce) {
  auto result = email_schema().apply(
      *parse_object(R"({"smtpPort": "ssl", "from": "not-an-address", "to": "a@example.com",
                       "ssl": "maybe"})"));
  EXPECT_EQ(result.errors, (Errors{{"smtpHost", "required"},
                                   {"smtpPort", "must be a whole number"},
                                   {"from", "must be a valid email address"},
                                   {"ssl", "must be one of true, false"}}));
  EXPECT_FALSE(result.ok());
}

TEST(ConfigSchemaApply, ThreeBadFieldsGiveThreeErrors) {
  auto result = email_schema().apply(*parse_object(
      R"({"smtpHost": "smtp.example.com:25", "from": "ops", "to": "a@example.com",
          "timeout": "-1s"})"));
  EXPECT_EQ(result.errors.size(), 3u);
  EXPECT_EQ(result.errors["smtpHost"], "must be a host name or IP address, without a port");
  EXPECT_EQ(result.errors["from"], "must be a valid email address");
  EXPECT_EQ(result.errors["timeout"], "must not be negative");
}

TEST(ConfigSchemaApply, ReportsOnlyTheFirstProblemOfAField) {
  auto result = email_schema().apply(
      *parse_object(R"({"smtpHost": "", "from": "ops@example.com", "to": "a@example.com"})"));
  EXPECT_EQ(result.errors, (Errors{{"smtpHost", "required"}}));
}

TEST(ConfigSchemaApply, ValidatesEveryElementOfAList) {
  auto result = email_schema().apply(*parse_object(
      R"({"smtpHost": "smtp.example.com", "from": "ops@example.com",
          "to": ["a@example.com", "b-at-example.com"]})"));
  EXPECT_EQ(result.errors, (Errors{{"to", "must be a valid email address"}}));
}

TEST(ConfigSchemaApply, AnEmptyListIsMissingForRequire) {
  auto result = email_schema().apply(
      *parse_object(R"({"smtpHost": "smtp.example.com", "from": "ops@example.com", "to": []})"));
  EXPECT_EQ(result.errors, (Errors{{"to", "required"}}));
}

TEST(ConfigSchemaApply, AnEmptyNumberTextTakesTheDefault) {
  auto input = parse_object(kValidEmailConfig);
  input->set("smtpPort", "");
  auto result = email_schema().apply(*input);
  EXPECT_EQ(result.values->getValue<Poco::Int64>("smtpPort"), 465);
}

// ---- passwords ----------------------------------------------------------------------------------

TEST(ConfigSchemaMasked, HidesPasswordsThatHoldAValue) {
  auto schema = email_schema();
  auto values = parse_object(R"({"smtpHost": "smtp.example.com", "password": "hunter2"})");
  EXPECT_EQ(json_text(schema.masked(*values)),
            R"({"password":"******","smtpHost":"smtp.example.com"})");
  values->set("password", "");
  EXPECT_EQ(schema.masked(*values)->getValue<std::string>("password"), "");
  EXPECT_EQ(values->getValue<std::string>("password"), "");  // a copy: the input is untouched
}

// A textarea marked `"secret": true` (http_callback's headers, holding `Authorization: Bearer …`).
ConfigSchema callback_schema() {
  FieldSpec headers = field("headers", FieldType::textarea, 2, {"http_header_lines"});
  headers.secret = true;
  return ConfigSchema({field("url", FieldType::input_text, 1, {"require", "url"}), headers});
}

TEST(ConfigSchemaMasked, HidesFieldsMarkedSecretLikePasswords) {
  auto schema = callback_schema();
  auto values = parse_object(R"({"url": "http://x/", "headers": "Authorization: Bearer t0k"})");
  EXPECT_EQ(json_text(schema.masked(*values)), R"({"headers":"******","url":"http://x/"})");
  values->set("headers", "");
  EXPECT_EQ(schema.masked(*values)->getValue<std::string>("headers"), "");
}

TEST(ConfigSchemaSecretUpdate, AFieldMarkedSecretIsKeptWhenSentMaskedOrLeftOut) {
  auto schema = callback_schema();
  auto previous =
      schema.apply(*parse_object(R"({"url": "http://x/", "headers": "Authorization: Bearer t0k"})"))
          .values;
  for (const char* sent :
       {R"({"url": "http://y/", "headers": "******"})", R"({"url": "http://y/"})"}) {
    auto result = schema.apply(*parse_object(sent), previous.get());
    ASSERT_TRUE(result.ok()) << sent;
    EXPECT_EQ(result.values->getValue<std::string>("headers"), "Authorization: Bearer t0k") << sent;
  }
  auto replaced =
      schema.apply(*parse_object(R"({"url": "http://y/", "headers": "X-A: 1"})"), previous.get());
  EXPECT_EQ(replaced.values->getValue<std::string>("headers"), "X-A: 1");
  auto refused = schema.apply(*parse_object(R"({"url": "http://y/", "headers": "Host: evil"})"),
                              previous.get());
  EXPECT_EQ(refused.errors.count("headers"), 1u);
}

class ConfigSchemaUpdate : public ::testing::Test {
 protected:
  ConfigSchema schema_ = email_schema();
  Poco::JSON::Object::Ptr previous_ = schema_.apply(*with_password("hunter2")).values;

  static Poco::JSON::Object::Ptr with_password(std::optional<std::string> password) {
    auto input = parse_object(kValidEmailConfig);
    if (password) input->set("password", *password);
    return input;
  }
  std::string password_after(std::optional<std::string> sent) const {
    auto result = schema_.apply(*with_password(sent), previous_.get());
    EXPECT_TRUE(result.ok());
    return result.values->has("password") ? result.values->getValue<std::string>("password")
                                          : "<absent>";
  }
};

TEST_F(ConfigSchemaUpdate, MaskedPasswordKeepsThePreviousOne) {
  EXPECT_EQ(password_after(kMaskedSecret), "hunter2");
}

TEST_F(ConfigSchemaUpdate, LeftOutPasswordKeepsThePreviousOne) {
  EXPECT_EQ(password_after(std::nullopt), "hunter2");
}

TEST_F(ConfigSchemaUpdate, NewPasswordReplacesThePreviousOne) {
  EXPECT_EQ(password_after("correct horse"), "correct horse");
}

TEST_F(ConfigSchemaUpdate, EmptyPasswordClearsIt) {
  EXPECT_EQ(password_after(""), "");
}

TEST(ConfigSchemaPassword, MaskWithNothingToKeepIsNotAPassword) {
  ConfigSchema schema({field("token", FieldType::password, 1, {"require"})});
  auto created = schema.apply(*parse_object(R"({"token": "******"})"));
  EXPECT_EQ(created.errors, (Errors{{"token", "required"}}));
  auto previous = parse_object("{}");
  auto updated = schema.apply(*parse_object(R"({"token": "******"})"), previous.get());
  EXPECT_EQ(updated.errors, (Errors{{"token", "required"}}));
}

// ---- options_from -------------------------------------------------------------------------------

std::optional<std::vector<std::string>> host_lists(const std::string& list) {
  if (list == "channels") return std::vector<std::string>{"ops-mail", "ops-ding"};
  if (list == "timer_actions") return std::vector<std::string>{};
  return std::nullopt;
}

FieldSpec choosing(std::string name, FieldType type, std::string options_from) {
  FieldSpec f = field(std::move(name), type, 1);
  f.options_from = std::move(options_from);
  return f;
}

TEST(ConfigSchemaOptionsFrom, AcceptsValuesInTheHostsList) {
  ConfigSchema schema({choosing("channels", FieldType::multi_selectable, "channels")});
  auto result =
      schema.apply(*parse_object(R"({"channels": "ops-ding, ops-mail"})"), nullptr, host_lists);
  EXPECT_EQ(result.errors, Errors{});
  EXPECT_EQ(json_text(result.values), R"({"channels":["ops-ding","ops-mail"]})");
}

TEST(ConfigSchemaOptionsFrom, RefusesValuesNotInTheHostsList) {
  ConfigSchema schema({choosing("channels", FieldType::multi_selectable, "channels")});
  auto result =
      schema.apply(*parse_object(R"({"channels": ["ops-mail", "x"]})"), nullptr, host_lists);
  EXPECT_EQ(result.errors,
            (Errors{{"channels", R"(unknown channel "x" (known channels: ops-mail, ops-ding))"}}));
}

TEST(ConfigSchemaOptionsFrom, NamesAnEmptyList) {
  auto outcome = ConfigSchema::check(choosing("action", FieldType::selectable, "timer_actions"),
                                     Var("forced_fail"), host_lists);
  EXPECT_EQ(std::get<std::string>(outcome),
            R"(unknown timer action "forced_fail" (there are no timer actions))");
}

TEST(ConfigSchemaOptionsFrom, UncheckedWhenTheListIsUnknownOrNoProviderIsGiven) {
  FieldSpec solution = choosing("solution", FieldType::selectable, "solutions");
  auto unknown_list = ConfigSchema::check(solution, Var("restart"), host_lists);
  EXPECT_EQ(std::get<Var>(unknown_list).toString(), "restart");
  FieldSpec channels = choosing("channels", FieldType::multi_selectable, "channels");
  auto no_provider = ConfigSchema::check(channels, Var("x"));
  EXPECT_TRUE(std::holds_alternative<Var>(no_provider));
}

TEST(ConfigSchemaOptionsFrom, StaticOptionsOfASelectableAreChecked) {
  FieldSpec method = field("method", FieldType::selectable, 1);
  method.options = {{"post", std::string("POST")}, {"put", std::string("PUT")}};
  EXPECT_EQ(std::get<Var>(ConfigSchema::check(method, Var("PUT"))).toString(), "PUT");
  EXPECT_EQ(std::get<std::string>(ConfigSchema::check(method, Var("GET"))),
            R"(unknown option "GET" (known options: POST, PUT))");
}

// ---- check, as manifest loading uses it for defaults
// ----------------------------------------------

TEST(ConfigSchemaCheck, RefusesADefaultItsOwnValidatorsRefuse) {
  FieldSpec from = field("from", FieldType::input_text, 1, {"email"});
  EXPECT_EQ(std::get<std::string>(ConfigSchema::check(from, Var("not-an-address"))),
            "must be a valid email address");
  EXPECT_EQ(std::get<Var>(ConfigSchema::check(from, Var("ops@example.com"))).toString(),
            "ops@example.com");
}

TEST(ConfigSchemaCheck, CoercesADefaultToItsType) {
  FieldSpec interval = field("interval", FieldType::duration_of_second, 1);
  auto outcome = ConfigSchema::check(interval, Var("PT1M"));
  EXPECT_EQ(std::get<Var>(outcome).convert<Poco::Int64>(), 60);
  FieldSpec port = field("port", FieldType::int_number, 1);
  EXPECT_EQ(std::get<std::string>(ConfigSchema::check(port, Var("ten"))), "must be a whole number");
}

TEST(ConfigSchemaCheck, AMissingValueIsOnlyRefusedByRequire) {
  EXPECT_TRUE(
      std::get<Var>(ConfigSchema::check(field("a", FieldType::input_text, 1, {"email"}), Var()))
          .isEmpty());
  EXPECT_EQ(std::get<std::string>(
                ConfigSchema::check(field("a", FieldType::input_text, 1, {"require"}), Var())),
            "required");
}

}  // namespace
}  // namespace warden::host
