#include "host/alerts/alert_service.hpp"
#include "host/alerts/channel_store.hpp"
#include "host/app/alert_forwarding.hpp"
#include "host/app/commands.hpp"
#include "host/app/secret_key.hpp"
#include "host/automation/automation_service.hpp"
#include "host/cluster/host_membership.hpp"
#include "host/cluster/work_claimer.hpp"
#include "host/http/alert_api.hpp"
#include "host/http/console_routes.hpp"
#include "host/http/health_routes.hpp"
#include "host/http/host_routes.hpp"
#include "host/http/metrics_routes.hpp"
#include "host/http/plugin_routes.hpp"
#include "host/http/server.hpp"
#include "host/http/session_routes.hpp"
#include "host/http/status_routes.hpp"
#include "host/http/task_routes.hpp"
#include "host/http/timer_routes.hpp"
#include "host/http/work_forwarding.hpp"
#include "host/isolation/runner_host.hpp"
#include "host/plugins/gated_plugin_host.hpp"
#include "host/plugins/plugin_registry.hpp"
#include "host/queue/kafka_config.hpp"
#include "host/queue/outbox_relay.hpp"
#include "host/runtime/clock.hpp"
#include "host/services/logging.hpp"
#include "host/store/database.hpp"
#include "host/store/session_store.hpp"
#include "host/store/work_owners.hpp"
#include "host/tasks/task_service.hpp"
#include "host/timers/timer_service.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <mutex>

#include <unistd.h>

namespace warden::host {
namespace {

/// Blocks the stop signals in this thread (and so in every thread it starts), to take them with
/// sigwait instead of in a handler.
sigset_t block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  return set;
}

std::string machine_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || !*name) return "warden";
  return name;
}

/// Where other hosts reach this one: the listen address, with the machine's name in place of a
/// wildcard.
std::string advertised_address(const std::string& listen, std::uint16_t port) {
  std::string host = listen.substr(0, listen.rfind(':'));
  if (host.empty() || host == "0.0.0.0" || host == "::" || host == "[::]") host = machine_name();
  return host + ":" + std::to_string(port);
}

HostMembershipOptions membership_options(const HostConfig& config) {
  HostMembershipOptions options;
  options.host_id = config.host_id.empty() ? machine_name() : config.host_id;
  options.address = config.listen;
  options.ttl = std::chrono::seconds(config.lease_ttl);
  return options;
}

/// A host that lost its lease stops at once: what it committed stands, what it was doing is
/// fenced by the database, and the other hosts (or this one, restarted) take its work over.
[[noreturn]] void stop_on_lost_lease(const std::string& why) {
  spdlog::critical("stopping at once: this host no longer holds its lease ({})", why);
  spdlog::default_logger()->flush();
  std::cerr << "warden serve: lost its lease: " << why << std::endl;
  std::_Exit(75);
}

std::string plural(std::size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

void load_plugins(PluginRegistry& registry) {
  const auto started = std::chrono::steady_clock::now();
  const auto report = registry.reload();
  const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - started;
  const auto folders = report.added.size() + report.changed.size() + report.unchanged.size();
  spdlog::info("loaded {} ({} refused) in {:.1f} ms", plural(folders, "plugin folder"),
               report.failed.size(), took.count());
}

/// The Kafka outbox's relay when the configuration has an mq_conf, else null.
std::unique_ptr<OutboxRelay> make_outbox_relay(OutboxStore& store, const HostConfig& config,
                                               const std::string& host_id) {
  if (!config.mq_conf.configured()) return nullptr;
  OutboxRelayOptions options;
  options.properties = producer_properties(config.mq_conf, "warden-" + host_id);
  options.host_id = host_id;
  return std::make_unique<OutboxRelay>(store, std::move(options));
}

TaskManagerOptions task_options(const HostConfig& config, OutboxRelay* outbox) {
  auto options = TaskService::options_from(config);
  if (outbox)
    options.outbox_committed = [outbox](std::vector<OutboxMessage> messages) {
      outbox->committed(std::move(messages));
    };
  return options;
}

TimerServiceOptions timer_options(const HostConfig& config) {
  TimerServiceOptions options;
  options.workers = config.timer_workers;
  options.max_age_ms = config.timer_max_age * 1000;
  return options;
}

/// The services `serve` wires: tasks, timers and alerts, over one database and plugin registry.
/// Every host runs the tasks and timers it owns; the coordinator also runs alerts, notices and
/// actions, made when it starts coordinating (so that they read the channels, policies and rules
/// as they are then).
struct Services {
  Services(Database& database, PluginRegistry& registry, const HostConfig& config,
           const std::string& host_id)
      : shared(make_shared_services()),
        outbox_store(database),
        outbox(make_outbox_relay(outbox_store, config, host_id)),
        tasks(database, registry, shared, task_options(config, outbox.get())),
        timers(database, registry, shared, timer_options(config)),
        database_(database),
        registry_(registry),
        config_(config),
        channel_store_(database) {
    timers.load(tasks.manager());  // before tasks start, so that no run starts unseen
    // Schedules and tasks naming channel instances (options_from: channels) are checked against
    // them when saved: as stored, whichever host coordinates.
    registry.provide_list("channels", [this] {
      std::vector<std::string> names;
      for (const auto& instance : channel_store_.list()) names.push_back(instance.name);
      return names;
    });
  }
  ~Services() { stop(); }

  /// Alerts, notices and actions; before the tasks start when this host coordinates from the
  /// start (a task that ends at start-up finds its action).
  void start_coordinating() {
    std::lock_guard lock(mutex_);
    if (stopped_ || alerts) return;
    alerts =
        std::make_unique<AlertService>(database_, registry_, shared, config_.notice_max_age * 1000);
    automation = std::make_unique<AutomationService>(
        database_, registry_, shared, *alerts, tasks.manager(),
        AutomationOptions{.workers = config_.action_workers,
                          .close_after_ms = config_.alert_close_after * 1000,
                          .outbox = outbox.get()});
    // Channel instances, notices and circuit breaking; plugins raise alerts through the relay.
    alerts->connect(*shared.alerts);
    // Alerts from plugins meet their records and the policies first.
    automation->connect(*shared.alerts);
    alerts->start();
    automation->start();
    coordinator_routes_ = std::make_shared<http::Router>();
    http::add_alert_api(*coordinator_routes_, *alerts, *automation, database_);
    coordinating_ = true;
  }
  void start_own_work() {
    if (outbox) outbox->start();
    tasks.start();
    timers.start();
  }
  bool coordinating() const { return coordinating_; }
  /// The coordinator's calls (alerts, notices, channels, circuit breaking, policies, actions),
  /// once this host coordinates.
  std::shared_ptr<const http::Router> coordinator_routes() {
    std::lock_guard lock(mutex_);
    return coordinator_routes_;
  }
  void stop() {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
    if (automation) automation->stop();  // first: attempts running may make tasks and notices
    timers.stop();                       // running timer actions end, their outcomes committed
    tasks.stop();                        // running steps end and their boundaries are committed
    if (alerts) alerts->stop();          // after tasks and timers (they may raise alerts)
    if (outbox) outbox->stop();          // last: tasks and actions write to the outbox
    registry_.provide_list("channels", {});
  }

  SharedServices shared;
  OutboxStore outbox_store;
  std::unique_ptr<OutboxRelay> outbox;  ///< with mq_conf only
  TaskService tasks;
  TimerService timers;
  std::unique_ptr<AlertService> alerts;
  std::unique_ptr<AutomationService> automation;

 private:
  Database& database_;
  PluginRegistry& registry_;
  const HostConfig& config_;
  ChannelStore channel_store_;
  std::mutex mutex_;
  bool stopped_ = false;
  std::atomic<bool> coordinating_{false};
  std::shared_ptr<http::Router> coordinator_routes_;
};

/// The calls this host answers itself: its own tasks and timer events (a call about another
/// host's goes there), plugins, health, metrics and the hosts.
http::Router own_routes(PluginRegistry& registry, Services& services, const HostConfig& config,
                        const std::shared_ptr<http::RequestMetrics>& metrics) {
  http::Router router;
  http::add_health_routes(router);
  http::add_plugin_routes(router, registry, services.shared);
  http::add_task_routes(router, services.tasks.manager(), config.max_status_task);
  http::add_timer_routes(router, services.timers);
  // Notices, circuit breaking and actions are counted where they run: on the coordinator (the
  // host that coordinated from its start).
  http::add_metrics_routes(router, registry, metrics, &services.tasks.manager(), &services.timers,
                           services.alerts ? &services.alerts->pipeline() : nullptr,
                           services.alerts ? &services.alerts->breaker() : nullptr,
                           services.automation ? &services.automation->engine() : nullptr,
                           services.outbox.get());
  return router;
}

http::HttpServerOptions server_options(const HostConfig& config, const std::string& token,
                                       std::shared_ptr<http::RequestMetrics> metrics) {
  http::HttpServerOptions options;
  options.metrics = std::move(metrics);
  options.listen = config.listen;
  options.threads = config.http_threads;
  options.max_queued = std::max(64, config.http_threads);
  options.max_body_bytes = config.max_body_bytes;
  options.header_timeout = std::chrono::seconds(config.http_header_timeout);
  options.body_timeout = std::chrono::seconds(config.http_body_timeout);
  options.idle_timeout = std::chrono::seconds(config.http_idle_timeout);
  options.token = token;
  return options;
}

/// Serves until SIGINT or SIGTERM, then stops in order.
void run(const HostConfig& config, const std::string& token, sigset_t& stop_signals) {
  const auto started_ms = system_clock().now_ms();
  // Read before anything starts: a wrong --ui-dir stops the host at once.
  auto console = config.ui_dir.empty() ? http::ConsoleAssets::embedded()
                                       : http::ConsoleAssets::from_dir(config.ui_dir);
  if (config.mq_conf.configured()) {
    check_mq_conf(config.mq_conf);
    spdlog::info("kafka producer {}", describe(config.mq_conf));
  }
  Database database = open_database(config, true);
  spdlog::info("database {} at schema version {}", database.uri(), database.schema_version());
  RunnerOptions runner;
  runner.executable = default_runner_executable();
  runner.log_level = config.log_level;
  // Declared before the services, so the leases are given up only after they have stopped.
  HostMembership membership(database, membership_options(config), stop_on_lost_lease);
  const bool coordinates = membership.join();
  auto plugin_host = std::make_shared<RunnerHost>(config.isolation, runner);
  PluginRegistry registry(config.plugins_dirs,
                          std::make_shared<GatedPluginHost>(
                              plugin_host, [&membership] { return membership.holds_lease(); }));
  load_plugins(registry);
  HostTable host_table(database);
  WorkOwners owners(database, membership.host_id());
  const auto call_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::seconds(config.http_header_timeout + config.http_body_timeout));

  Services services(database, registry, config, membership.host_id());
  if (coordinates) {
    services.start_coordinating();
  } else {
    // Until this host coordinates, what its plugins raise goes to the coordinator.
    services.shared.alerts->attach(forward_alerts_to_coordinator(owners, token, call_timeout));
  }
  services.start_own_work();
  membership.run([&services] { services.start_coordinating(); });
  // Destroyed before the services, however run() ends.
  struct ForgetOnCoordinating {
    HostMembership& membership;
    ~ForgetOnCoordinating() { membership.forget_on_coordinating(); }
  } forget_on_coordinating{membership};
  WorkClaimer claimer(
      host_table,
      {[&services] {
         auto claimed = services.tasks.store().claim(200, services.coordinating());
         std::vector<std::string> ids;
         for (const auto& task : claimed) ids.push_back(task.task_id);
         services.timers.adopt(services.timers.store().events_of(ids));
         services.tasks.manager().adopt(claimed);
         return claimed.size();
       },
       [&services] {
         auto claimed = services.timers.store().claim(200, services.coordinating());
         services.timers.adopt(claimed);
         return claimed.size();
       }},
      [&membership] { return membership.holds_lease(); }, std::chrono::seconds(1));

  auto metrics = std::make_shared<http::RequestMetrics>();
  auto router = own_routes(registry, services, config, metrics);
  http::add_host_routes(router, host_table, membership.host_id(), config.lease_ttl * 1000LL);
  SessionStore sessions(database);
  const http::ApiToken api_token(token);
  http::add_session_routes(router, sessions, api_token,
                           std::chrono::seconds(config.console_session_ttl));
  http::add_status_routes(router, registry,
                          {started_ms, database.postgresql() ? "postgresql" : "sqlite",
                           membership.host_id(), [&services] { return services.coordinating(); }});
  http::add_console_routes(router, std::move(console));
  http::forward_owned_work(router, owners, call_timeout);
  const auto coordinating = [&services] { return services.coordinating(); };
  http::forward_to_coordinator(router,
                               {{"POST", "/api/schedules"},
                                {"GET", "/api/schedules"},
                                {"GET", "/api/schedules/{name}"},
                                {"DELETE", "/api/schedules/{name}"}},
                               coordinating, owners, call_timeout);
  router.otherwise(http::coordinator_calls([&services] { return services.coordinator_routes(); },
                                           owners, call_timeout));
  auto options = server_options(config, token, metrics);
  options.session_valid = [&sessions](std::string_view secret) {
    return sessions.expiry(secret, system_clock().now_ms()).has_value();
  };
  http::HttpServer server(std::move(options), std::move(router));
  server.start();
  const auto host = config.listen.substr(0, config.listen.rfind(':'));
  membership.serving_at(advertised_address(config.listen, server.port()));
  std::cout << "warden listening on http://" << host << ":" << server.port()
            << " (API token: the AUTH_TOKEN environment variable; env " << config.env << "; host "
            << membership.host_id() << (coordinates ? ", coordinator" : "") << ")" << std::endl;

  int signal = 0;
  sigwait(&stop_signals, &signal);
  spdlog::info("{} received; stopping", signal == SIGINT ? "SIGINT" : "SIGTERM");
  server.stop();  // no new requests; those in progress end first
  services.stop();
  plugin_host->stop();
}

}  // namespace

int serve(const std::optional<std::filesystem::path>& config_file,
          const ConfigOverrides& overrides) {
  sigset_t stop_signals = block_stop_signals();
  HostConfig config;
  try {
    config = load_host_config(config_file, overrides);
    setup_logging(config.log_level);
  } catch (const std::exception& e) {
    std::cerr << "warden serve: " << e.what() << "\n";
    return 2;
  }
  const char* token = std::getenv("AUTH_TOKEN");
  if (!token || !*token) {
    std::cerr << "warden serve: AUTH_TOKEN is not set; set it to the token API clients must send "
                 "in their Authorization header\n";
    return 2;
  }
  try {
    run(config, token, stop_signals);
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
    std::cerr << "warden serve: " << e.what() << "\n";
    return 1;
  }
  spdlog::info("stopped");
  return 0;
}

}  // namespace warden::host
