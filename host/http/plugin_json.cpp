#include "host/http/plugin_json.hpp"

#include "host/config/config_schema.hpp"
#include "host/http/json.hpp"
#include "host/plugins/help_html.hpp"

#include <Poco/JSON/Array.h>

#include <string>

namespace warden::host::http {
namespace {

Poco::Dynamic::Var default_of(const FieldSpec& field) {
  if (!field.default_value || field.default_value->isEmpty()) return Poco::Dynamic::Var();
  const auto& value = *field.default_value;
  if (field.is_secret() && !(value.isString() && value.extract<std::string>().empty())) {
    return std::string(kMaskedSecret);
  }
  return value;
}

Poco::JSON::Array::Ptr options_json(const std::vector<FieldOption>& list) {
  Poco::JSON::Array::Ptr options = new Poco::JSON::Array;
  for (const auto& option : list) {
    auto entry = object();
    entry->set("label", option.label);
    entry->set("value", option.value);
    options->add(entry);
  }
  return options;
}

Poco::Dynamic::Var text_or_null(const std::string& text) {
  return text.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(text);
}

}  // namespace

Poco::JSON::Object::Ptr plugin_summary_json(const PluginRecord& record) {
  const auto& manifest = record.manifest;
  auto out = object();
  out->set("key", record.key);
  if (manifest) {
    out->set("kind", std::string(to_string(manifest->kind)));
    out->set("name", manifest->name);
    out->set("version", manifest->version);
    out->set("description", manifest->description);
    out->set("group", text_or_null(manifest->group));
    out->set("sdk", manifest->sdk);
    out->set("library", manifest->library);
  } else {
    for (const char* name : {"kind", "name", "version", "description", "group", "sdk", "library"}) {
      out->set(name, Poco::Dynamic::Var());
    }
  }
  out->set("status", record.loaded() ? "loaded" : "failed");
  out->set("isolation",
           record.isolation.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(record.isolation));
  Poco::JSON::Array::Ptr errors = new Poco::JSON::Array;
  for (const auto& problem : record.problems) errors->add(problem.to_string());
  out->set("errors", errors);
  return out;
}

Poco::JSON::Object::Ptr plugin_detail_json(const PluginRecord& record, const FormOptions& runtime) {
  auto out = plugin_summary_json(record);
  Poco::JSON::Array::Ptr fields = new Poco::JSON::Array;
  if (record.manifest) {
    out->set("overview", record.manifest->overview);
    out->set("overview_html", help_html(record.manifest->overview));
    for (const auto& field : record.manifest->schema.fields()) {
      const auto found = runtime.find(field.name);
      fields->add(field_json(field, found == runtime.end() ? nullptr : &found->second));
    }
  } else {
    out->set("overview", Poco::Dynamic::Var());
    out->set("overview_html", Poco::Dynamic::Var());
  }
  out->set("fields", fields);
  return out;
}

Poco::JSON::Object::Ptr field_json(const FieldSpec& field, const RuntimeOptions* runtime) {
  auto out = object();
  out->set("name", field.name);
  out->set("type", std::string(to_string(field.type)));
  out->set("ordinal", field.ordinal);
  out->set("label", field.label);
  out->set("placeholder", field.placeholder);
  out->set("help", field.help);
  out->set("help_html", help_html(field.help));
  out->set("default", default_of(field));
  out->set("advanced", field.advanced);
  out->set("validate", string_array(field.validators));
  const bool from_plugin = runtime && !runtime->options.empty();
  out->set("options", options_json(from_plugin ? runtime->options : field.options));
  out->set("options_error", runtime ? text_or_null(runtime->error) : Poco::Dynamic::Var());
  out->set("options_from", text_or_null(field.options_from));
  out->set("identity", field.identity);
  out->set("secret", field.is_secret());  // a form shows the value as ******
  return out;
}

Poco::JSON::Object::Ptr reload_report_json(const ReloadReport& report) {
  auto out = object();
  out->set("added", string_array(report.added));
  out->set("changed", string_array(report.changed));
  out->set("removed", string_array(report.removed));
  out->set("unchanged", string_array(report.unchanged));
  out->set("failed", string_array(report.failed));
  return out;
}

}  // namespace warden::host::http
