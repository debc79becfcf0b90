#include "host/plugins/form_options.hpp"

namespace warden::host {

FormOptions form_options(const PluginRecord& record, PluginHost& host,
                         const SharedServices& services) {
  FormOptions out;
  if (!record.loaded() || !record.manifest) return out;
  std::string gave_up;
  for (const auto& field : record.manifest->schema.fields()) {
    const bool selectable =
        field.type == FieldType::selectable || field.type == FieldType::multi_selectable;
    if (!selectable || !field.options_from.empty()) continue;
    auto& entry = out[field.name];
    if (!gave_up.empty()) {
      entry.error = "not asked: " + gave_up;
      continue;
    }
    auto result = host.select_options(record, {field.name}, services);
    if (!result.ok) {
      entry.error = result.error.empty() ? "failed" : result.error;
      if (result.failure_type == kPluginCrash || result.failure_type == kPluginTimeout)
        gave_up = entry.error;
      continue;
    }
    for (auto& option : result.options)
      entry.options.push_back({std::move(option.label), Poco::Dynamic::Var(option.value)});
  }
  return out;
}

ConfigSchema with_runtime_options(const ConfigSchema& schema, const FormOptions& options) {
  auto fields = schema.fields();
  for (auto& field : fields) {
    const auto found = options.find(field.name);
    if (found == options.end()) continue;
    const auto& extra = found->second.options;
    field.options.insert(field.options.end(), extra.begin(), extra.end());
  }
  return ConfigSchema(std::move(fields));
}

}  // namespace warden::host
