#pragma once

#include "host/config/config_schema.hpp"
#include "host/plugins/plugin_host.hpp"

#include <map>
#include <string>
#include <vector>

namespace warden::host {

/// What a plugin said about one selectable field's choices when its form was read.
struct RuntimeOptions {
  std::vector<FieldOption> options;  ///< its choices; empty: the manifest's stand
  std::string error;                 ///< why it gave none ("" when it answered)
};

/// Field name -> its run-time options, for the fields that were asked.
using FormOptions = std::map<std::string, RuntimeOptions>;

/// Asks the plugin of `record` (loaded) for the choices of each `selectable` / `multi_selectable`
/// field without `options_from` (those lists are the host's). Once a call crashes or times out,
/// the remaining fields are not asked and carry that error: a form read costs one runner at most.
FormOptions form_options(const PluginRecord& record, PluginHost& host,
                         const SharedServices& services);

/// `schema` whose fields also accept their run-time choices: what a value is checked against
/// when the plugin gave some.
ConfigSchema with_runtime_options(const ConfigSchema& schema, const FormOptions& options);

}  // namespace warden::host
