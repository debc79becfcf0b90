#include "host/plugins/form_options.hpp"

#include <gtest/gtest.h>

namespace warden::host {
namespace {

/// Answers select_options from a script, and records which fields it was asked.
class ScriptedHost : public PluginHost {
 public:
  std::map<std::string, SelectOptionsResult> answers;
  std::vector<std::string> asked;

  void load(PluginRecord&) override {}
  StepResult run_step(const PluginRecord&, const StepCall&,
                      const SharedServices&) noexcept override {
    return {};
  }
  ActionResult fire(const PluginRecord&, const FiringCall&,
                    const SharedServices&) noexcept override {
    return {};
  }
  DeliveryResult deliver(const PluginRecord&, const DeliveryCall&,
                         const SharedServices&) noexcept override {
    return {};
  }
  SelectOptionsResult select_options(const PluginRecord&, const SelectOptionsCall& call,
                                     const SharedServices&) noexcept override {
    asked.push_back(call.field);
    return answers[call.field];
  }
};

FieldSpec field(const std::string& name, FieldType type, int ordinal) {
  FieldSpec f;
  f.name = name;
  f.type = type;
  f.ordinal = ordinal;
  return f;
}

PluginRecord record_with(std::vector<FieldSpec> fields) {
  Manifest manifest;
  manifest.key = "p";
  manifest.schema = ConfigSchema(std::move(fields));
  PluginRecord record;
  record.key = "p";
  record.manifest = manifest;
  record.ready = true;
  return record;
}

SelectOptionsResult gave(std::vector<SelectOption> options) {
  SelectOptionsResult result;
  result.ok = true;
  result.options = std::move(options);
  return result;
}

TEST(FormOptions, AsksOnlySelectableFieldsWithoutAHostList) {
  auto channels = field("to", FieldType::multi_selectable, 3);
  channels.options_from = "channels";
  const auto record = record_with(
      {field("zone", FieldType::selectable, 1), field("tags", FieldType::multi_selectable, 2),
       channels, field("name", FieldType::input_text, 4), field("mode", FieldType::enum_, 5)});
  ScriptedHost host;
  host.answers["zone"] = gave({{"Berlin", "Europe/Berlin"}});
  host.answers["tags"] = gave({});
  const auto options = form_options(record, host, {});
  EXPECT_EQ(host.asked, (std::vector<std::string>{"zone", "tags"}));
  ASSERT_EQ(options.size(), 2u);
  ASSERT_EQ(options.at("zone").options.size(), 1u);
  EXPECT_EQ(options.at("zone").options[0].label, "Berlin");
  EXPECT_EQ(options.at("zone").options[0].value.toString(), "Europe/Berlin");
  EXPECT_TRUE(options.at("tags").options.empty());
  EXPECT_EQ(options.at("tags").error, "");
}

TEST(FormOptions, AThrowingFieldFailsAloneButACrashEndsTheAsking) {
  const auto record =
      record_with({field("a", FieldType::selectable, 1), field("b", FieldType::selectable, 2),
                   field("c", FieldType::selectable, 3), field("d", FieldType::selectable, 4)});
  ScriptedHost host;
  host.answers["a"].error = "no such field";
  host.answers["b"] = gave({{"x", "x"}});
  host.answers["c"].error = "plugin \"p\" crashed: its runner was killed by signal 11 (SIGSEGV)";
  host.answers["c"].failure_type = kPluginCrash;
  const auto options = form_options(record, host, {});
  EXPECT_EQ(host.asked, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(options.at("a").error, "no such field");
  EXPECT_EQ(options.at("b").options.size(), 1u);
  EXPECT_EQ(options.at("c").error, host.answers["c"].error);
  EXPECT_EQ(options.at("d").error, "not asked: " + host.answers["c"].error);
}

TEST(FormOptions, AFailedPluginIsNotAsked) {
  auto record = record_with({field("zone", FieldType::selectable, 1)});
  record.ready = false;
  ScriptedHost host;
  EXPECT_TRUE(form_options(record, host, {}).empty());
  EXPECT_TRUE(host.asked.empty());
}

TEST(FormOptions, ValuesAreCheckedAgainstTheRunTimeChoicesToo) {
  auto with_manifest_options = field("fixed", FieldType::selectable, 2);
  with_manifest_options.options = {{"UTC", std::string("UTC")}};
  const ConfigSchema schema({field("zone", FieldType::selectable, 1), with_manifest_options});
  FormOptions runtime;
  runtime["zone"].options = {{"Berlin", std::string("Europe/Berlin")}};
  runtime["fixed"].options = {{"Shanghai", std::string("Asia/Shanghai")}};
  const auto checked = with_runtime_options(schema, runtime);

  Poco::JSON::Object good;
  good.set("zone", "Europe/Berlin");
  good.set("fixed", "UTC");
  EXPECT_TRUE(checked.apply(good).ok());
  good.set("fixed", "Asia/Shanghai");
  EXPECT_TRUE(checked.apply(good).ok());
  Poco::JSON::Object bad;
  bad.set("zone", "Mars/Olympus");
  const auto result = checked.apply(bad);
  ASSERT_EQ(result.errors.count("zone"), 1u);
  EXPECT_EQ(result.errors.at("zone"),
            "unknown option \"Mars/Olympus\" (known options: Europe/Berlin)");
  // Without run-time choices, a field with no options of its own takes any text.
  EXPECT_TRUE(with_runtime_options(schema, {}).apply(bad).ok());
}

}  // namespace
}  // namespace warden::host
