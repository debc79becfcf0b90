#include "host/alerts/alert_service.hpp"

namespace warden::host {

AlertService::AlertService(Database& database, const PluginRegistry& registry,
                           const SharedServices& services, std::int64_t notice_max_age_ms,
                           const Clock& clock)
    : channel_store_(database),
      channels_(channel_store_, registry, *services.templates),
      breaker_(database),
      notices_(database),
      pipeline_(notices_, channels_, breaker_, ChannelSender(registry, services), notice_max_age_ms,
                clock) {}

void AlertService::connect(AlertRelay& relay) {
  relay_ = &relay;
  relay.attach([this](const Alert& alert, const std::vector<std::string>& channels,
                      const std::string& origin) { pipeline_.raise(alert, channels, origin); });
}

void AlertService::stop() {
  if (relay_) relay_->attach({});
  relay_ = nullptr;
  pipeline_.stop();
}

}  // namespace warden::host
