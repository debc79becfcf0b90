#pragma once

#include "host/plugins/plugin_host.hpp"

#include <functional>
#include <memory>

namespace warden::host {

/// A PluginHost that makes a call only while `may_work` says so, and otherwise answers it failed
/// without calling the plugin. serve() puts it in front of the real one with the work lease's
/// clock: a host that may have lost its lease (SIGSTOPped past its TTL, or cut off from the
/// database) starts no plugin call, even in the moment before it notices and stops; whatever it
/// then writes is refused by the database's fence.
class GatedPluginHost : public PluginHost {
 public:
  GatedPluginHost(std::shared_ptr<PluginHost> inner, std::function<bool()> may_work);

  void load(PluginRecord& record) override { inner_->load(record); }
  StepResult run_step(const PluginRecord& plugin, const StepCall& call,
                      const SharedServices& services) noexcept override;
  ActionResult fire(const PluginRecord& plugin, const FiringCall& call,
                    const SharedServices& services) noexcept override;
  DeliveryResult deliver(const PluginRecord& plugin, const DeliveryCall& call,
                         const SharedServices& services) noexcept override;
  SelectOptionsResult select_options(const PluginRecord& plugin, const SelectOptionsCall& call,
                                     const SharedServices& services) noexcept override;
  void retire(const PluginRecord& record) noexcept override { inner_->retire(record); }

 private:
  std::shared_ptr<PluginHost> inner_;
  std::function<bool()> may_work_;
};

}  // namespace warden::host
