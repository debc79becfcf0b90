#pragma once

#include <warden/host_services.hpp>

#include <memory>
#include <string>

namespace warden::host {

/// The services one process shares among all plugin objects.
struct SharedServices {
  std::shared_ptr<HttpClient> http;
  std::shared_ptr<TemplateRenderer> templates;
};

/// The process's shared services: a PocoHttpClient (system CAs, plus `extra_ca_file` when given)
/// and a MustacheRenderer.
SharedServices make_shared_services(const std::string& extra_ca_file = {});

/// What the host lends one plugin object: its own tagged logger and the process's shared client and
/// renderer (kept alive as long as this object is).
class HostServicesImpl : public HostServices {
 public:
  /// Logs through spdlog with `log_tag` (see plugin_log_tag).
  HostServicesImpl(SharedServices shared, std::string log_tag);
  HostServicesImpl(SharedServices shared, std::unique_ptr<Logger> logger);

  Logger& logger() noexcept override { return *logger_; }
  HttpClient& http() noexcept override { return *shared_.http; }
  TemplateRenderer& templates() noexcept override { return *shared_.templates; }

 private:
  SharedServices shared_;
  std::unique_ptr<Logger> logger_;
};

}  // namespace warden::host
