#pragma once

#include "host/plugins/plugin_calls.hpp"
#include "host/plugins/plugin_registry.hpp"
#include "host/services/host_services_impl.hpp"

#include <functional>
#include <memory>
#include <string>

namespace warden::host {

/// Where plugin code runs: in this process, or in runner processes (host/isolation/). The registry
/// asks it to load a folder whose manifest is valid; tasks, timers and channels ask it to make the
/// calls. Every call is one unit of work and never throws: whatever happens to the plugin comes
/// back as a failed result.
class PluginHost {
 public:
  virtual ~PluginHost() = default;

  /// Checks the library of `record` (its manifest is valid) and readies it for calls: sets
  /// `record.ready`, or appends the problems. A library that crashes while being checked is that
  /// folder's problem.
  virtual void load(PluginRecord& record) = 0;

  virtual StepResult run_step(const PluginRecord& plugin, const StepCall& call,
                              const SharedServices& services) noexcept = 0;
  virtual ActionResult fire(const PluginRecord& plugin, const FiringCall& call,
                            const SharedServices& services) noexcept = 0;
  virtual DeliveryResult deliver(const PluginRecord& plugin, const DeliveryCall& call,
                                 const SharedServices& services) noexcept = 0;
  /// The plugin's run-time choices for one selectable field, within kSelectOptionsTimeout when it
  /// runs in a runner (in process, like every call there, it is trusted to return).
  virtual SelectOptionsResult select_options(const PluginRecord& plugin,
                                             const SelectOptionsCall& call,
                                             const SharedServices& services) noexcept = 0;

  /// A reload replaced or removed `record`: whatever was kept for it (runners) may go.
  virtual void retire(const PluginRecord& record) noexcept { (void)record; }

  /// Says that a plugin must be listed failed (it crashed too often) until the next reload; the
  /// registry sets it. Arguments: the key, the record's generation, the reason.
  using FailureListener =
      std::function<void(const std::string&, std::uint64_t, const std::string&)>;
  void set_failure_listener(FailureListener listener) { on_failed_ = std::move(listener); }

 protected:
  void report_failed(const std::string& key, std::uint64_t generation, const std::string& reason) {
    if (on_failed_) on_failed_(key, generation, reason);
  }

 private:
  FailureListener on_failed_;
};

/// Runs plugins inside this process (`isolation: in_process`): the library is opened here with
/// Boost.DLL, and a crash in it is the host's crash.
class InProcessHost : public PluginHost {
 public:
  void load(PluginRecord& record) override;
  StepResult run_step(const PluginRecord& plugin, const StepCall& call,
                      const SharedServices& services) noexcept override;
  ActionResult fire(const PluginRecord& plugin, const FiringCall& call,
                    const SharedServices& services) noexcept override;
  DeliveryResult deliver(const PluginRecord& plugin, const DeliveryCall& call,
                         const SharedServices& services) noexcept override;
  SelectOptionsResult select_options(const PluginRecord& plugin, const SelectOptionsCall& call,
                                     const SharedServices& services) noexcept override;
};

}  // namespace warden::host
