#include "host/plugins/plugin_call.hpp"

#include <Poco/Exception.h>

namespace warden::host {

std::string call_plugin(const PluginUse& use, const std::function<void(Plugin&)>& call) noexcept {
  try {
    if (!use.plugin.loaded()) return use.name + " is not loaded";
    const Kind kind = use.plugin.library->manifest().kind;
    if (kind != use.kind)
      return use.name + " is a " + to_string(kind) + " plugin, not " + to_string(use.kind);
    // Declared before the object: the object points at it until it is destroyed.
    HostServicesImpl host(use.services, use.log_tag);
    std::string error;
    auto object = use.plugin.library->create(error);
    if (!object) return use.name + " could not be made: " + error;
    object->bind(host, Config(use.config ? use.config : new Poco::JSON::Object));
    call(*object);
    return {};
  } catch (const Poco::Exception& e) {
    return e.displayText();
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return use.name + " threw something that is not an exception";
  }
}

}  // namespace warden::host
