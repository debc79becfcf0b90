#pragma once

#include "host/services/alert_relay.hpp"

#include <warden/host_services.hpp>

#include <memory>
#include <string>

namespace warden::host {

/// The services one process shares among all plugin objects.
struct SharedServices {
  std::shared_ptr<HttpClient> http;
  std::shared_ptr<TemplateRenderer> templates;
  /// Where plugins' alerts go; null (or not yet attached): alerts are refused with a reason.
  std::shared_ptr<AlertRelay> alerts;
};

/// The process's shared services: a PocoHttpClient (system CAs, plus `extra_ca_file` when given)
/// and a MustacheRenderer, and an AlertRelay for the notice pipeline to attach to.
SharedServices make_shared_services(const std::string& extra_ca_file = {});

/// What the host lends one plugin object: its own tagged logger and the process's shared client and
/// renderer (kept alive as long as this object is).
class HostServicesImpl : public HostServices {
 public:
  /// Logs through spdlog with `log_tag` (see plugin_log_tag).
  HostServicesImpl(SharedServices shared, std::string log_tag);
  /// `origin` names the plugin on the alerts it raises ("plugin:<key>").
  HostServicesImpl(SharedServices shared, std::unique_ptr<Logger> logger,
                   std::string origin = "plugin");

  Logger& logger() noexcept override { return *logger_; }
  HttpClient& http() noexcept override { return *shared_.http; }
  TemplateRenderer& templates() noexcept override { return *shared_.templates; }
  AlertSink& alerts() noexcept override { return alerts_; }

 private:
  SharedServices shared_;
  std::unique_ptr<Logger> logger_;
  PluginAlertSink alerts_;  // origin "plugin:<key>", from the log tag
};

}  // namespace warden::host
