#include "host/http/plugin_json.hpp"

#include "host/http/json.hpp"

#include <gtest/gtest.h>

namespace warden::host::http {
namespace {

FieldSpec password_field(std::optional<Poco::Dynamic::Var> default_value) {
  FieldSpec field;
  field.name = "secret";
  field.type = FieldType::password;
  field.ordinal = 3;
  field.default_value = std::move(default_value);
  return field;
}

TEST(HttpPluginJson, FieldShowsEverythingTheFormNeeds) {
  FieldSpec field;
  field.name = "secretEnable";
  field.type = FieldType::enum_;
  field.ordinal = 2;
  field.label = "Signing";
  field.placeholder = "choose";
  field.help = "Markdown **help**";
  field.default_value = false;
  field.advanced = true;
  field.validators = {"require"};
  field.options = {{"yes", true}, {"no", false}};
  field.identity = true;
  EXPECT_EQ(stringify(field_json(field)),
            R"({"name":"secretEnable","type":"enum","ordinal":2,"label":"Signing",)"
            R"("placeholder":"choose","help":"Markdown **help**",)"
            R"("help_html":"<p>Markdown <strong>help</strong></p>\n","default":false,)"
            R"("advanced":true,"validate":["require"],"options":[{"label":"yes","value":true},)"
            R"({"label":"no","value":false}],"options_error":null,"options_from":null,)"
            R"("identity":true,"secret":false})");
}

FieldSpec zone_field() {
  FieldSpec field;
  field.name = "zone";
  field.type = FieldType::selectable;
  field.ordinal = 1;
  field.options = {{"Manifest", std::string("UTC")}};
  return field;
}

TEST(HttpPluginJson, RunTimeOptionsReplaceTheManifestsOnes) {
  RuntimeOptions runtime;
  runtime.options = {{"Berlin", std::string("Europe/Berlin")}, {"<b>", std::string("x\"y")}};
  EXPECT_EQ(stringify(field_json(zone_field(), &runtime)->getArray("options")),
            R"([{"label":"Berlin","value":"Europe/Berlin"},{"label":"<b>","value":"x\"y"}])");
  EXPECT_TRUE(field_json(zone_field(), &runtime)->get("options_error").isEmpty());
}

TEST(HttpPluginJson, AFailedRunTimeCallKeepsTheManifestsOptionsAndSaysWhy) {
  RuntimeOptions runtime;
  runtime.error = "plugin \"x\" threw: no zones today";
  const auto json = field_json(zone_field(), &runtime);
  EXPECT_EQ(stringify(json->getArray("options")), R"([{"label":"Manifest","value":"UTC"}])");
  EXPECT_EQ(json->getValue<std::string>("options_error"), runtime.error);
  // Asked and answered with nothing: the manifest's options, no error.
  const RuntimeOptions nothing;
  EXPECT_EQ(stringify(field_json(zone_field(), &nothing)->getArray("options")),
            R"([{"label":"Manifest","value":"UTC"}])");
  EXPECT_TRUE(field_json(zone_field(), &nothing)->get("options_error").isEmpty());
}

TEST(HttpPluginJson, PasswordDefaultsAreMasked) {
  EXPECT_EQ(field_json(password_field(Poco::Dynamic::Var("hunter2")))->get("default").toString(),
            "******");
  EXPECT_EQ(field_json(password_field(Poco::Dynamic::Var("")))->get("default").toString(), "");
  EXPECT_TRUE(field_json(password_field(std::nullopt))->get("default").isEmpty());
  EXPECT_TRUE(field_json(password_field(std::nullopt))->getValue<bool>("secret"));
}

TEST(HttpPluginJson, FailedRecordWithoutManifestStillLists) {
  PluginRecord record;
  record.key = "broken";
  record.problems.push_back({"broken/manifest.json", "", "not valid JSON"});
  record.problems.push_back({"broken/manifest.json", "fields.a.validate[1]", "unknown validator"});
  EXPECT_EQ(
      stringify(plugin_summary_json(record)),
      R"({"key":"broken","kind":null,"name":null,"version":null,"description":null,)"
      R"("group":null,"sdk":null,"library":null,"status":"failed","isolation":null,"errors":[)"
      R"("broken/manifest.json: not valid JSON",)"
      R"("broken/manifest.json: fields.a.validate[1]: unknown validator"]})");
  const auto detail = plugin_detail_json(record);
  EXPECT_TRUE(detail->get("overview").isEmpty());
  EXPECT_TRUE(detail->get("overview_html").isEmpty());
  EXPECT_EQ(detail->getArray("fields")->size(), 0u);
}

TEST(HttpPluginJson, RecordWithManifestShowsItsFieldsInFormOrder) {
  FieldSpec first;
  first.name = "token";
  first.type = FieldType::input_text;
  first.ordinal = 1;
  Manifest manifest;
  manifest.key = "chan";
  manifest.kind = Kind::alert_channel;
  manifest.name = "Chan";
  manifest.version = "1.2.3";
  manifest.sdk = 1;
  manifest.library = "libchan.so";
  manifest.description = "Sends";
  manifest.overview = "Overview with [a link](javascript:alert(1)) and <b>";
  manifest.group = "Chat";
  manifest.schema = ConfigSchema({password_field(Poco::Dynamic::Var("x")), first, zone_field()});
  PluginRecord record;
  record.key = "chan";
  record.manifest = manifest;
  record.problems.push_back({"chan/libchan.so", "", "not found"});

  FormOptions runtime;
  runtime["zone"].error = "not asked: it crashed";
  const auto detail = plugin_detail_json(record, runtime);
  EXPECT_EQ(detail->getValue<std::string>("kind"), "alert_channel");
  EXPECT_EQ(detail->getValue<std::string>("group"), "Chat");
  EXPECT_EQ(detail->getValue<std::string>("library"), "libchan.so");
  EXPECT_EQ(detail->getValue<std::string>("status"), "failed");
  EXPECT_EQ(detail->getValue<std::string>("overview"), manifest.overview);
  EXPECT_EQ(detail->getValue<std::string>("overview_html"),
            "<p>Overview with a link and &lt;b&gt;</p>\n");
  const auto fields = detail->getArray("fields");
  ASSERT_EQ(fields->size(), 3u);
  EXPECT_EQ(fields->getObject(0)->getValue<std::string>("name"), "token");
  EXPECT_TRUE(fields->getObject(0)->get("options_error").isEmpty());
  EXPECT_EQ(fields->getObject(1)->getValue<std::string>("name"), "zone");
  EXPECT_EQ(fields->getObject(1)->getValue<std::string>("options_error"), "not asked: it crashed");
  EXPECT_EQ(fields->getObject(2)->getValue<std::string>("default"), "******");
  EXPECT_EQ(plugin_summary_json(record)->getValue<std::string>("group"), "Chat");
}

TEST(HttpPluginJson, ReloadReportListsEveryOutcome) {
  ReloadReport report;
  report.added = {"a"};
  report.removed = {"r"};
  report.failed = {"a"};
  EXPECT_EQ(stringify(reload_report_json(report)),
            R"({"added":["a"],"changed":[],"removed":["r"],"unchanged":[],"failed":["a"]})");
}

}  // namespace
}  // namespace warden::host::http
