#include "host/alerts/channel_instances.hpp"

#include "host/alerts/alert_json.hpp"
#include "host/alerts/channel_store.hpp"
#include "host/plugins/plugin_registry.hpp"
#include "host/runtime/clock.hpp"
#include "host/services/mustache_renderer.hpp"

#include <warden/templates.hpp>

namespace warden::host {
namespace {

const Poco::JSON::Object::Ptr& object_or_refuse(const Poco::JSON::Object& body,
                                                const std::string& name, bool required,
                                                std::map<std::string, std::string>& errors,
                                                Poco::JSON::Object::Ptr& out) {
  if (!body.has(name) || body.isNull(name)) {
    if (required) errors[name] = "required: a JSON object";
    return out;
  }
  const auto value = body.get(name);
  if (value.type() != typeid(Poco::JSON::Object::Ptr))
    errors[name] = "must be a JSON object";
  else
    out = value.extract<Poco::JSON::Object::Ptr>();
  return out;
}

/// An alertTpl is refused when it is saved if it does not parse, or is over a limit for the sample
/// alert (too deep, too slow, renders too much), rather than each time an alert is due.
std::optional<std::string> alert_template_problem(const Poco::JSON::Object& config,
                                                  const std::string& channel_name,
                                                  TemplateRenderer& renderer) {
  if (!config.has("alertTpl") || !config.get("alertTpl").isString()) return std::nullopt;
  const auto tpl = config.getValue<std::string>("alertTpl");
  if (auto problem = check_template(tpl)) return problem;
  const auto rendered =
      renderer.render(tpl, *sample_alert(channel_name).template_data(), Escape::none);
  if (!rendered.ok()) return rendered.error + " for the sample alert";
  return std::nullopt;
}

}  // namespace

ChannelInstances::ChannelInstances(ChannelStore& store, const PluginRegistry& registry,
                                   TemplateRenderer& renderer)
    : store_(store), registry_(registry), renderer_(renderer) {
  for (auto& instance : store_.list()) {
    auto name = instance.name;
    instances_[name] = std::make_shared<const ChannelInstance>(std::move(instance));
  }
}

std::vector<ChannelInstances::Snapshot> ChannelInstances::list() const {
  std::lock_guard lock(mutex_);
  std::vector<Snapshot> out;
  out.reserve(instances_.size());
  for (const auto& [_, instance] : instances_) out.push_back(instance);
  return out;
}

ChannelInstances::Snapshot ChannelInstances::find(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = instances_.find(name);
  return it == instances_.end() ? nullptr : it->second;
}

std::vector<std::string> ChannelInstances::enabled_names() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [name, instance] : instances_)
    if (instance->enabled) out.push_back(name);
  return out;
}

ChannelInstances::Snapshot ChannelInstances::put(const std::string& name,
                                                 const Poco::JSON::Object& body, bool& created) {
  if (auto problem = channel_name_problem(name); !problem.empty())
    throw RequestError(RequestError::Kind::invalid, "channel name \"" + name + "\" " + problem);
  std::map<std::string, std::string> errors;
  for (const auto& [field, _] : body)
    if (field != "channel" && field != "enabled" && field != "config" && field != "delivery" &&
        field != "name")
      errors[field] = "unknown (known: channel, enabled, config, delivery)";
  if (body.has("name") && body.get("name").toString() != name)
    errors["name"] = "must equal the name in the path (\"" + name + "\") or be left out";

  ChannelInstance instance;
  instance.name = name;
  std::shared_ptr<const PluginRecord> record;
  if (!body.has("channel") || !body.get("channel").isString()) {
    errors["channel"] = "required: the key of an alert_channel plugin";
  } else {
    instance.channel = body.getValue<std::string>("channel");
    record = registry_.find(instance.channel);
    const auto known = registry_.loaded_keys(Kind::alert_channel);
    std::string list;
    for (const auto& key : known) list += (list.empty() ? "" : ", ") + key;
    if (!record || !record->manifest || record->manifest->kind != Kind::alert_channel)
      errors["channel"] =
          "unknown alert channel \"" + instance.channel + "\" (loaded: " + list + ")";
    else if (!record->loaded())
      errors["channel"] = "alert channel \"" + instance.channel +
                          "\" is not loaded: " + record->problems.front().to_string();
  }
  if (body.has("enabled") && !body.isNull("enabled")) {
    if (!body.get("enabled").isBoolean())
      errors["enabled"] = "must be true or false";
    else
      instance.enabled = body.getValue<bool>("enabled");
  }
  Poco::JSON::Object::Ptr config, delivery;
  object_or_refuse(body, "config", true, errors, config);
  object_or_refuse(body, "delivery", false, errors, delivery);
  if (delivery) instance.delivery = DeliveryPolicy::from_json(*delivery, errors);

  const auto previous = find(name);
  if (config && errors.count("channel") == 0 && record) {
    const bool same_plugin = previous && previous->channel == instance.channel;
    auto result = record->manifest->schema.apply(
        *config, same_plugin ? previous->config.get() : nullptr, registry_options(registry_));
    for (const auto& [field, message] : result.errors) errors["config." + field] = message;
    if (result.ok()) {
      instance.config = result.values;
      if (auto problem = alert_template_problem(*instance.config, name, renderer_))
        errors["config.alertTpl"] = *problem;
    }
  }
  if (!errors.empty())
    throw RequestError(RequestError::Kind::invalid, "invalid channel \"" + name + "\"", errors);

  instance.update_ms = now_ms();
  instance.create_ms = previous ? previous->create_ms : instance.update_ms;
  std::lock_guard lock(mutex_);  // one writer at a time; the table and memory agree
  store_.put(instance);
  created = !instances_.contains(name);
  auto snapshot = std::make_shared<const ChannelInstance>(std::move(instance));
  instances_[name] = snapshot;
  return snapshot;
}

ChannelInstances::Preview ChannelInstances::preview(const Poco::JSON::Object& body) const {
  std::map<std::string, std::string> errors;
  for (const auto& [field, _] : body)
    if (field != "channel" && field != "config" && field != "name")
      errors[field] = "unknown (known: channel, config, name)";
  const auto name = body.has("name") && body.get("name").isString()
                        ? body.getValue<std::string>("name")
                        : std::string("preview");
  std::shared_ptr<const PluginRecord> record;
  std::string channel;
  if (!body.has("channel") || !body.get("channel").isString()) {
    errors["channel"] = "required: the key of an alert_channel plugin";
  } else {
    channel = body.getValue<std::string>("channel");
    record = registry_.find(channel);
    if (!record || !record->manifest || record->manifest->kind != Kind::alert_channel ||
        !record->loaded())
      errors["channel"] = "no loaded alert channel \"" + channel + "\"";
  }
  Poco::JSON::Object::Ptr config;
  object_or_refuse(body, "config", true, errors, config);
  Preview out;
  if (config && record && errors.count("channel") == 0) {
    const auto previous = find(name);
    const bool same_plugin = previous && previous->channel == channel;
    auto result = record->manifest->schema.apply(
        *config, same_plugin ? previous->config.get() : nullptr, registry_options(registry_));
    for (const auto& [field, message] : result.errors) errors["config." + field] = message;
    if (result.ok()) {
      const auto& values = *result.values;
      const auto tpl = values.has("alertTpl") && values.get("alertTpl").isString()
                           ? values.getValue<std::string>("alertTpl")
                           : std::string();
      if (tpl.empty()) {
        out.error = "this channel has no alertTpl: it sends what its plugin makes of the alert";
      } else if (auto problem = check_template(tpl)) {
        out.error = *problem;
      } else {
        auto rendered = renderer_.render(tpl, *sample_alert(name).template_data(), Escape::none);
        if (rendered.ok())
          out.rendered = std::move(rendered.text);
        else
          out.error = rendered.error;
      }
    }
  }
  if (!errors.empty()) throw RequestError(RequestError::Kind::invalid, "invalid preview", errors);
  return out;
}

bool ChannelInstances::remove(const std::string& name) {
  std::lock_guard lock(mutex_);
  const bool stored = store_.remove(name);
  return instances_.erase(name) > 0 || stored;
}

Poco::JSON::Object::Ptr ChannelInstances::masked_config(const ChannelInstance& instance) const {
  const auto record = registry_.find(instance.channel);
  if (record && record->manifest) return record->manifest->schema.masked(*instance.config);
  Poco::JSON::Object::Ptr hidden = new Poco::JSON::Object;
  for (const auto& [field, _] : *instance.config) hidden->set(field, kMaskedSecret);
  return hidden;
}

bool ChannelInstances::plugin_loaded(const ChannelInstance& instance) const {
  const auto record = registry_.find(instance.channel);
  return record && record->loaded();
}

}  // namespace warden::host
