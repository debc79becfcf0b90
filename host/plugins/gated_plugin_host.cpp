#include "host/plugins/gated_plugin_host.hpp"

namespace warden::host {

namespace {
constexpr const char* kNotNow = "not run: this host may have lost its work lease";
}

GatedPluginHost::GatedPluginHost(std::shared_ptr<PluginHost> inner, std::function<bool()> may_work)
    : inner_(std::move(inner)), may_work_(std::move(may_work)) {
  inner_->set_failure_listener(
      [this](const std::string& key, std::uint64_t generation, const std::string& reason) {
        report_failed(key, generation, reason);
      });
}

StepResult GatedPluginHost::run_step(const PluginRecord& plugin, const StepCall& call,
                                     const SharedServices& services) noexcept {
  if (may_work_()) return inner_->run_step(plugin, call, services);
  StepResult result;
  result.ok = false;
  result.error = kNotNow;
  return result;
}

ActionResult GatedPluginHost::fire(const PluginRecord& plugin, const FiringCall& call,
                                   const SharedServices& services) noexcept {
  if (may_work_()) return inner_->fire(plugin, call, services);
  return ActionResult{false, kNotNow, {}};
}

DeliveryResult GatedPluginHost::deliver(const PluginRecord& plugin, const DeliveryCall& call,
                                        const SharedServices& services) noexcept {
  if (may_work_()) return inner_->deliver(plugin, call, services);
  DeliveryResult result;
  result.delivery = Delivery{false, kNotNow};
  return result;
}

SelectOptionsResult GatedPluginHost::select_options(const PluginRecord& plugin,
                                                    const SelectOptionsCall& call,
                                                    const SharedServices& services) noexcept {
  if (may_work_()) return inner_->select_options(plugin, call, services);
  SelectOptionsResult result;
  result.error = kNotNow;
  return result;
}

}  // namespace warden::host
