#pragma once

#include "host/config/field_spec.hpp"
#include "host/plugins/form_options.hpp"
#include "host/plugins/plugin_registry.hpp"

#include <Poco/JSON/Object.h>

namespace warden::host::http {

/// A plugin as GET /api/plugins lists it: key, kind, name, version, description, group (null when
/// the manifest names none), sdk, library (as the manifest names it, inside the plugin folder),
/// status ("loaded" / "failed") and errors (each problem as text). Manifest values are null when
/// the manifest itself was refused.
Poco::JSON::Object::Ptr plugin_summary_json(const PluginRecord& record);

/// Everything about a plugin, as GET /api/plugins/{key} shows it: the summary plus `overview`,
/// `overview_html` and `fields` in form order, with the plugin's run-time options where given.
Poco::JSON::Object::Ptr plugin_detail_json(const PluginRecord& record,
                                           const FormOptions& runtime = {});

/// One manifest field: name, type, ordinal, label, placeholder, help (Markdown help merged),
/// help_html, default (masked for password fields; null when none), advanced, validate, options
/// (the plugin's run-time ones when it gave some), options_error (why it gave none; else null),
/// options_from, identity, secret.
Poco::JSON::Object::Ptr field_json(const FieldSpec& field, const RuntimeOptions* runtime = nullptr);

/// `{"added": [...], "changed": [...], "removed": [...], "unchanged": [...], "failed": [...]}`.
Poco::JSON::Object::Ptr reload_report_json(const ReloadReport& report);

}  // namespace warden::host::http
