#pragma once

#include "host/alerts/channel_instance.hpp"
#include "host/plugins/plugin_calls.hpp"
#include "host/services/fallback_renderer.hpp"
#include "host/services/host_services_impl.hpp"

#include <warden/alert_channel.hpp>

#include <string>

namespace warden::host {

class PluginRegistry;

/// One delivery's result, as the pipeline records it.
using SendOutcome = DeliveryResult;

/// Delivers one alert through one channel instance: a new object of the instance's plugin, bound to
/// the instance's configuration and to services whose HTTP client uses the instance's timeout.
/// Never throws.
class ChannelSender {
 public:
  ChannelSender(const PluginRegistry& registry, SharedServices services)
      : registry_(registry), services_(std::move(services)) {}

  /// `notice_id`: sent as X-Warden-Notice-Id with the attempt's HTTP requests.
  SendOutcome send(const ChannelInstance& instance, const Alert& alert,
                   const std::string& notice_id = {}) const noexcept;

 private:
  const PluginRegistry& registry_;
  SharedServices services_;
};

}  // namespace warden::host
