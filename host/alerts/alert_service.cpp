#include "host/alerts/alert_service.hpp"

#include <spdlog/spdlog.h>

namespace warden::host {

AlertService::AlertService(Database& database, const PluginRegistry& registry,
                           const SharedServices& services, std::int64_t notice_max_age_ms,
                           const Clock& clock)
    : channel_store_(database),
      channels_(channel_store_, registry, *services.templates),
      breaker_(database, [this](const BreakRule& rule,
                                const std::string& module) { report_breaking(rule, module); }),
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
  breaking_alerts_.stop();
  pipeline_.stop();
}

void AlertService::report_breaking(const BreakRule& rule, const std::string& module) {
  Alert alert;
  alert.type = "cluster";
  alert.source = "circuit_breaking";
  alert.subject = rule.id;
  alert.status = "firing";
  alert.title = "circuit breaking rule " + rule.id + " is blocking " + module;
  alert.message = (rule.description.empty() ? "" : rule.description + ". ") +
                  "Further blocks are counted in warden_circuit_breaking_blocked_total; DELETE "
                  "/api/circuit_breaking/rules/" +
                  rule.id + " lifts the rule.";
  alert.labels = {{"module", module}, {"rule", rule.id}};
  alert.dedupe_key = "circuit_breaking/" + rule.id + "/" + module;
  breaking_alerts_.post([this, alert = std::move(alert)] {
    if (channels_.enabled_names().empty()) {
      spdlog::warn("circuit breaking: {} (no enabled channel instance to tell)", alert.title);
      return;
    }
    pipeline_.raise_async(alert, {}, "circuit_breaking");
  });
}

}  // namespace warden::host
