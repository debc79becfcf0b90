#pragma once

#include "host/alerts/channel_instance.hpp"
#include "host/services/host_services_impl.hpp"

#include <warden/alert_channel.hpp>

#include <string>

namespace warden::host {

class PluginRegistry;

/// One delivery's result, as the pipeline records it.
struct SendOutcome {
  Delivery delivery;
  /// alertTpl failed to render for this alert: the notice went out with the channel's default
  /// template (or, failing that, a plain text), and this says why.
  std::string template_error;
};

/// Delivers one alert through one channel instance: a new object of the instance's plugin, bound to
/// the instance's configuration and to services whose HTTP client uses the instance's timeout.
/// Never throws.
class ChannelSender {
 public:
  ChannelSender(const PluginRegistry& registry, SharedServices services)
      : registry_(registry), services_(std::move(services)) {}

  SendOutcome send(const ChannelInstance& instance, const Alert& alert) const noexcept;

 private:
  const PluginRegistry& registry_;
  SharedServices services_;
};

/// The plain text an alert is rendered to when neither alertTpl nor the channel's default works.
inline constexpr const char* kPlainFallbackTemplate =
    "[{{severity}}] {{title}}{{^title}}{{subject}}{{/title}} ({{status}})\n"
    "source: {{source}}\nstart: {{start_time}}\n{{message}}\n{{link}}\n";

}  // namespace warden::host
