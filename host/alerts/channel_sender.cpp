#include "host/alerts/channel_sender.hpp"

#include "host/plugins/plugin_host.hpp"
#include "host/plugins/plugin_registry.hpp"

#include <Poco/Exception.h>

#include <chrono>

namespace warden::host {
namespace {

std::string channel_default_template(const Manifest& manifest) {
  const auto* field = manifest.schema.find("alertTpl");
  if (!field || !field->default_value || !field->default_value->isString()) return {};
  return field->default_value->convert<std::string>();
}

}  // namespace

SendOutcome ChannelSender::send(const ChannelInstance& instance, const Alert& alert,
                                const std::string& notice_id) const noexcept {
  SendOutcome out;
  try {
    const auto record = registry_.find(instance.channel);
    if (!record) {
      out.delivery = {false, "channel plugin \"" + instance.channel + "\" is not loaded"};
      return out;
    }
    DeliveryCall call;
    call.channel = instance.channel;
    call.instance = instance.name;
    call.config = instance.config;  // copied where the plugin may change it
    call.timeout = std::chrono::milliseconds(instance.delivery.timeout_ms);
    if (record->manifest) call.default_template = channel_default_template(*record->manifest);
    call.alert = alert;
    call.notice_id = notice_id;
    return registry_.host().deliver(*record, call, services_);
  } catch (const Poco::Exception& e) {
    out.delivery = {false, e.displayText()};
  } catch (const std::exception& e) {
    out.delivery = {false, e.what()};
  }
  return out;
}

}  // namespace warden::host
