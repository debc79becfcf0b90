#pragma once

#include <warden/alert_sink.hpp>
#include <warden/http_client.hpp>
#include <warden/logger.hpp>
#include <warden/templates.hpp>

namespace warden {

/// What the host lends a plugin object. Outlives every object the plugin makes.
class HostServices {
 public:
  virtual ~HostServices() = default;
  virtual Logger& logger() noexcept = 0;
  virtual HttpClient& http() noexcept = 0;
  virtual TemplateRenderer& templates() noexcept = 0;
  /// Raising alerts (added in SDK 1.1; last in the table so older plugins keep their slots).
  virtual AlertSink& alerts() noexcept = 0;
};

}  // namespace warden
