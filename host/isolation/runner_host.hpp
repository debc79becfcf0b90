#pragma once

#include "host/config/host_config.hpp"
#include "host/isolation/runner_pool.hpp"
#include "host/plugins/plugin_host.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace warden::host {

/// Runs each plugin where the `isolation` setting says: in runner processes (a pool per loaded
/// plugin), or in this process. Either way a library is first checked in a runner, so one that
/// crashes while it loads costs a runner, not the host.
class RunnerHost : public PluginHost {
 public:
  RunnerHost(IsolationSettings settings, RunnerOptions options);
  ~RunnerHost() override;

  void load(PluginRecord& record) override;
  StepResult run_step(const PluginRecord& plugin, const StepCall& call,
                      const SharedServices& services) noexcept override;
  ActionResult fire(const PluginRecord& plugin, const FiringCall& call,
                    const SharedServices& services) noexcept override;
  DeliveryResult deliver(const PluginRecord& plugin, const DeliveryCall& call,
                         const SharedServices& services) noexcept override;
  SelectOptionsResult select_options(const PluginRecord& plugin, const SelectOptionsCall& call,
                                     const SharedServices& services) noexcept override;
  void retire(const PluginRecord& record) noexcept override;

  /// Stops every runner (the host is stopping).
  void stop() noexcept;

 private:
  /// How one call through a runner went: the answer's `result` object, or a sentence that says
  /// what happened instead (`failure_type` plugin_crash or plugin_timeout).
  struct Outcome {
    Poco::JSON::Object::Ptr result;
    std::string failure_type;
    std::string error;
  };
  Outcome call(const PluginRecord& plugin, const std::string& op, Poco::JSON::Object::Ptr call,
               std::chrono::milliseconds timeout, const std::string& what,
               const SharedServices& services) noexcept;
  std::shared_ptr<RunnerPool> pool_of(const PluginRecord& plugin);

  IsolationSettings settings_;
  RunnerOptions options_;
  InProcessHost in_process_;
  std::mutex mutex_;
  std::map<std::pair<std::string, std::uint64_t>, std::shared_ptr<RunnerPool>> pools_;
};

}  // namespace warden::host
