#pragma once

#include "host/plugins/plugin_registry.hpp"
#include "host/services/host_services_impl.hpp"

#include <Poco/JSON/Object.h>

#include <memory>
#include <sstream>
#include <string>

namespace warden::test {

/// A bundled plugin loaded from the build's staged folder through the real registry, whose objects
/// log (tagged as the host tags them) into a buffer the test reads.
class BundledPlugin {
 public:
  explicit BundledPlugin(const std::string& key, const std::string& task_id = {});

  /// Nullptr when the plugin did not load (the test has already failed).
  const host::PluginRecord* record() const { return record_.get(); }

  /// A new object, bound to its services and to `config` as the manifest completes it. Returns
  /// nullptr (and fails the test) when the config is refused or the factory fails.
  /// `stored` fields are set as they are after the check: values saved before the manifest
  /// checked them, which the plugin must still refuse on its own.
  template <class T>
  std::shared_ptr<T> make(const Poco::JSON::Object& config,
                          const Poco::JSON::Object& stored = Poco::JSON::Object()) {
    return std::static_pointer_cast<T>(make_plugin(config, stored));
  }

  std::string log() const { return lines_->str(); }

 private:
  std::shared_ptr<Plugin> make_plugin(const Poco::JSON::Object& config,
                                      const Poco::JSON::Object& stored);

  host::PluginRegistry registry_;
  std::shared_ptr<const host::PluginRecord> record_;
  std::shared_ptr<std::ostringstream> lines_ = std::make_shared<std::ostringstream>();
  std::unique_ptr<host::HostServicesImpl> services_;
};

}  // namespace warden::test
