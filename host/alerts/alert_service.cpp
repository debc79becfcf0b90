#include "host/alerts/alert_service.hpp"

namespace warden::host {

AlertService::AlertService(Database& database, const PluginRegistry& registry,
                           const SharedServices& services)
    : channel_store_(database),
      channels_(channel_store_, registry, *services.templates),
      breaker_(database),
      notices_(database),
      pipeline_(notices_, channels_, breaker_, ChannelSender(registry, services)) {}

}  // namespace warden::host
