#include "host/isolation/runner_host.hpp"

#include "host/plugins/plugin_calls_json.hpp"
#include "host/runtime/alert_json.hpp"

#include <Poco/JSON/Array.h>

#include <spdlog/spdlog.h>

namespace warden::host {
namespace {

RunnerEvents events_for(const SharedServices& services) {
  RunnerEvents events;
  events.log = [](const std::string& level, const std::string& message) {
    auto lvl = spdlog::level::from_str(level);
    if (lvl == spdlog::level::off) lvl = spdlog::level::info;
    spdlog::log(lvl, "{}", message);
  };
  events.alert = [alerts = services.alerts](const Poco::JSON::Object& request, std::string& error) {
    if (!alerts) {
      error = "this host has no alert pipeline";
      return false;
    }
    const auto alert_json = request.getObject("alert");
    if (!alert_json) throw std::invalid_argument("no alert");
    const Alert alert = stored_alert_from_json(*alert_json);
    std::vector<std::string> channels;
    if (const auto list = request.getArray("channels"))
      for (std::size_t i = 0; i < list->size(); ++i)
        channels.push_back(list->getElement<std::string>(i));
    return alerts->raise(alert, channels, request.optValue<std::string>("origin", "plugin"), error);
  };
  return events;
}

std::string library_file(const PluginRecord& record) {
  return record.key + "/" + (record.manifest ? record.manifest->library : std::string());
}

}  // namespace

RunnerHost::RunnerHost(IsolationSettings settings, RunnerOptions options)
    : settings_(std::move(settings)), options_(std::move(options)) {
  options_.memory_limit_mb = settings_.memory_limit_mb;
  options_.open_files = settings_.open_files;
}

RunnerHost::~RunnerHost() {
  stop();
}

void RunnerHost::stop() noexcept {
  std::map<std::pair<std::string, std::uint64_t>, std::shared_ptr<RunnerPool>> pools;
  {
    std::lock_guard lock(mutex_);
    pools.swap(pools_);
  }
  for (auto& [_, pool] : pools) pool->stop();
}

void RunnerHost::load(PluginRecord& record) {
  auto loaded = start_loaded_runner(options_, record.folder, record.key,
                                    std::chrono::steady_clock::now() + kRunnerStartTimeout);
  if (!loaded.failure.empty()) {
    record.problems.push_back(
        {library_file(record), "", "the library crashed its checking runner: " + loaded.failure});
    return;
  }
  if (!loaded.problems.empty()) {
    for (auto& p : loaded.problems) record.problems.push_back(std::move(p));
    return;
  }
  if (settings_.mode_of(record.key) == Isolation::in_process) {
    loaded.runner.reset();
    in_process_.load(record);  // it loaded in a runner without harm; now here
    return;
  }
  record.ready = true;
  record.isolation = to_string(Isolation::process);
  const auto key = record.key;
  const auto generation = record.generation;
  auto pool = std::make_shared<RunnerPool>(record.key, record.folder, options_,
                                           settings_.runners_per_plugin, settings_.crash_limit,
                                           std::chrono::seconds(settings_.crash_window),
                                           [this, key, generation](const std::string& reason) {
                                             report_failed(key, generation, reason);
                                           });
  pool->keep(std::move(loaded.runner));
  std::lock_guard lock(mutex_);
  pools_[{record.key, record.generation}] = std::move(pool);
}

void RunnerHost::retire(const PluginRecord& record) noexcept {
  std::shared_ptr<RunnerPool> pool;
  {
    std::lock_guard lock(mutex_);
    auto it = pools_.find({record.key, record.generation});
    if (it == pools_.end()) return;
    pool = std::move(it->second);
    pools_.erase(it);
  }
  pool->stop();
}

std::shared_ptr<RunnerPool> RunnerHost::pool_of(const PluginRecord& plugin) {
  std::lock_guard lock(mutex_);
  auto it = pools_.find({plugin.key, plugin.generation});
  return it == pools_.end() ? nullptr : it->second;
}

RunnerHost::Outcome RunnerHost::call(const PluginRecord& plugin, const std::string& op,
                                     Poco::JSON::Object::Ptr call,
                                     std::chrono::milliseconds timeout, const std::string& what,
                                     const SharedServices& services) noexcept {
  try {
    const auto pool = pool_of(plugin);
    if (!plugin.loaded() || !pool) {
      std::string why = what + " is not loaded";
      for (const auto& p : plugin.problems) why += "; " + p.to_string();
      return {nullptr, kPluginCrash, why};
    }
    Poco::JSON::Object request;
    request.set("op", op);
    request.set("call", call);
    pid_t pid = 0;
    const auto answer =
        pool->call(request, std::chrono::steady_clock::now() + timeout, events_for(services), pid);
    if (const auto* refused = std::get_if<RunnerPool::Refused>(&answer))
      return {nullptr, kPluginCrash, what + " cannot run: " + refused->reason};
    const auto& a = std::get<RunnerAnswer>(answer);
    const std::string runner = "its runner (pid " + std::to_string(pid) + ")";
    switch (a.kind) {
      case RunnerAnswer::Kind::crashed:
        return {nullptr, kPluginCrash, what + " crashed: " + runner + " " + a.reason};
      case RunnerAnswer::Kind::timed_out:
        return {
            nullptr, kPluginTimeout,
            what + " did not answer within " +
                std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) +
                " s; " + runner + " was killed"};
      case RunnerAnswer::Kind::answered:
        break;
    }
    if (a.message->optValue<std::string>("op", "") == "error")
      return {nullptr, "exception", a.message->optValue<std::string>("message", "unknown error")};
    auto result = a.message->getObject("result");
    if (!result) return {nullptr, kPluginCrash, what + ": its runner answered without a result"};
    return {result, {}, {}};
  } catch (const std::exception& e) {
    return {nullptr, kPluginCrash, what + ": " + e.what()};
  }
}

StepResult RunnerHost::run_step(const PluginRecord& plugin, const StepCall& call,
                                const SharedServices& services) noexcept {
  if (settings_.mode_of(plugin.key) == Isolation::in_process && plugin.library)
    return in_process_.run_step(plugin, call, services);
  StepResult failed;
  failed.ok = false;
  try {
    const std::string what = "solution \"" + call.service + "\" (step \"" +
                             (call.step.empty() ? "run" : call.step) + "\")";
    auto outcome = this->call(plugin, "step", to_json(call),
                              std::chrono::seconds(settings_.call_timeout), what, services);
    if (outcome.result) return step_result_from_json(*outcome.result);
    failed.error = std::move(outcome.error);
    failed.failure_type = std::move(outcome.failure_type);
  } catch (const std::exception& e) {
    failed.error = std::string("its runner's answer cannot be read: ") + e.what();
    failed.failure_type = kPluginCrash;
  }
  return failed;
}

ActionResult RunnerHost::fire(const PluginRecord& plugin, const FiringCall& call,
                              const SharedServices& services) noexcept {
  if (settings_.mode_of(plugin.key) == Isolation::in_process && plugin.library)
    return in_process_.fire(plugin, call, services);
  try {
    auto outcome =
        this->call(plugin, "fire", to_json(call), std::chrono::seconds(settings_.call_timeout),
                   "timer action \"" + plugin.key + "\"", services);
    if (outcome.result) return action_result_from_json(*outcome.result);
    return {false, outcome.failure_type + ": " + outcome.error, {}};
  } catch (const std::exception& e) {
    return {
        false, std::string(kPluginCrash) + ": its runner's answer cannot be read: " + e.what(), {}};
  }
}

DeliveryResult RunnerHost::deliver(const PluginRecord& plugin, const DeliveryCall& call,
                                   const SharedServices& services) noexcept {
  if (settings_.mode_of(plugin.key) == Isolation::in_process && plugin.library)
    return in_process_.deliver(plugin, call, services);
  DeliveryResult out;
  try {
    auto outcome =
        this->call(plugin, "deliver", to_json(call), call.timeout + std::chrono::seconds(10),
                   "channel plugin \"" + call.channel + "\"", services);
    if (outcome.result) return delivery_result_from_json(*outcome.result);
    out.delivery = {false, outcome.failure_type + ": " + outcome.error};
  } catch (const std::exception& e) {
    out.delivery = {
        false, std::string(kPluginCrash) + ": its runner's answer cannot be read: " + e.what()};
  }
  return out;
}

SelectOptionsResult RunnerHost::select_options(const PluginRecord& plugin,
                                               const SelectOptionsCall& call,
                                               const SharedServices& services) noexcept {
  if (settings_.mode_of(plugin.key) == Isolation::in_process && plugin.library)
    return in_process_.select_options(plugin, call, services);
  SelectOptionsResult failed;
  try {
    auto outcome =
        this->call(plugin, "select_options", to_json(call), kSelectOptionsTimeout,
                   "plugin \"" + plugin.key + "\" (options of \"" + call.field + "\")", services);
    if (outcome.result) return select_options_result_from_json(*outcome.result);
    failed.error = std::move(outcome.error);
    failed.failure_type = std::move(outcome.failure_type);
  } catch (const std::exception& e) {
    failed.error = std::string("its runner's answer cannot be read: ") + e.what();
    failed.failure_type = kPluginCrash;
  }
  return failed;
}

}  // namespace warden::host
