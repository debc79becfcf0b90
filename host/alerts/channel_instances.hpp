#pragma once

#include "host/alerts/channel_instance.hpp"
#include "host/runtime/request_error.hpp"

#include <Poco/JSON/Object.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace warden {
class TemplateRenderer;
}

namespace warden::host {

class ChannelStore;
class PluginRegistry;

/// The configured alert channels (SPEC §5): checked against their plugin's manifest (SPEC §3) when
/// saved, stored durably, held in memory for the pipeline. Thread-safe; readers get immutable
/// snapshots.
class ChannelInstances {
 public:
  using Snapshot = std::shared_ptr<const ChannelInstance>;

  /// Reads every stored instance.
  ChannelInstances(ChannelStore& store, const PluginRegistry& registry, TemplateRenderer& renderer);

  std::vector<Snapshot> list() const;
  /// Nullptr when there is no such instance.
  Snapshot find(const std::string& name) const;
  /// The names of the enabled instances.
  std::vector<std::string> enabled_names() const;

  /// Creates or replaces `name` from `{"channel", "enabled"?, "config", "delivery"?}`. A password
  /// sent as "******" (or left out) keeps its stored value. alertTpl must parse and render a sample
  /// alert. Throws RequestError (invalid) with every problem by field. Returns the saved instance;
  /// `created` tells whether it is new.
  Snapshot put(const std::string& name, const Poco::JSON::Object& body, bool& created);
  /// False when there was no such instance.
  bool remove(const std::string& name);

  /// What an instance's alertTpl gives for the sample alert, before it is saved.
  struct Preview {
    std::string rendered;
    std::string error;  ///< why it did not render ("" when it did)
  };
  /// `{"channel", "config", "name"?}`: the config completed as `put` would (defaults, the stored
  /// secrets of the instance `name`), then its alertTpl rendered on the sample alert with the
  /// values as they are. Throws RequestError (invalid) with every problem by field.
  Preview preview(const Poco::JSON::Object& body) const;

  /// The instance's config as a reader may see it: secrets masked by its plugin's manifest (every
  /// field when the plugin is gone, and with it the knowledge of which fields are secrets).
  Poco::JSON::Object::Ptr masked_config(const ChannelInstance& instance) const;
  /// Whether the instance's plugin is loaded now.
  bool plugin_loaded(const ChannelInstance& instance) const;

 private:
  ChannelStore& store_;
  const PluginRegistry& registry_;
  TemplateRenderer& renderer_;
  mutable std::mutex mutex_;
  std::map<std::string, Snapshot> instances_;
};

}  // namespace warden::host
