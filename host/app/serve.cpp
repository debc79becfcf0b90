#include "host/alerts/alert_service.hpp"
#include "host/app/commands.hpp"
#include "host/http/alert_api.hpp"
#include "host/http/health_routes.hpp"
#include "host/http/metrics_routes.hpp"
#include "host/http/plugin_routes.hpp"
#include "host/http/server.hpp"
#include "host/http/task_routes.hpp"
#include "host/http/timer_routes.hpp"
#include "host/plugins/plugin_registry.hpp"
#include "host/services/logging.hpp"
#include "host/store/database.hpp"
#include "host/tasks/task_manager.hpp"
#include "host/timers/timer_service.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <iostream>

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

std::string plural(std::size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
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
    Database database(config.database);
    spdlog::info("database {} at schema version {}", config.database, database.schema_version());

    PluginRegistry registry(config.plugins_dirs);
    auto started = std::chrono::steady_clock::now();
    auto report = registry.reload();
    std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - started;
    auto folders = report.added.size() + report.changed.size() + report.unchanged.size();
    spdlog::info("loaded {} ({} refused) in {:.1f} ms", plural(folders, "plugin folder"),
                 report.failed.size(), took.count());

    SqlTaskStore task_store(database);
    TaskManagerOptions task_options;
    task_options.workers = config.workers;
    task_options.default_timeout_ms = std::int64_t{config.task_timeout} * 1000;
    for (const auto& [service, seconds] : config.task_timeouts)
      task_options.service_timeout_ms[service] = std::int64_t{seconds} * 1000;
    task_options.services = config.services;
    task_options.source_db = config.source_db;
    auto shared_services = make_shared_services();
    TaskManager tasks(task_store, registry, shared_services, task_options);
    SqlTimerStore timer_store(database);
    TimerServiceOptions timer_options;
    timer_options.workers = config.timer_workers;
    timer_options.max_age_ms = config.timer_max_age * 1000;
    TimerService timers(timer_store, registry, shared_services, timer_options);
    timers.load(tasks);  // before tasks start, so that no run starts unseen
    // Channel instances, notices and circuit breaking; plugins raise alerts through the relay.
    AlertService alerts(database, registry, shared_services, config.notice_max_age * 1000);
    // Schedules and tasks naming channel instances (options_from: channels) are checked against
    // them when saved.
    registry.provide_list("channels", [&alerts] {
      std::vector<std::string> names;
      for (const auto& instance : alerts.channels().list()) names.push_back(instance->name);
      return names;
    });
    alerts.connect(*shared_services.alerts);
    alerts.start();
    tasks.start();
    timers.start();

    http::Router router;
    http::add_health_routes(router);
    http::add_plugin_routes(router, registry);
    http::add_task_routes(router, tasks, config.max_status_task);
    http::add_timer_routes(router, timers);
    http::add_alert_api(router, alerts);
    auto request_metrics = std::make_shared<http::RequestMetrics>();
    http::add_metrics_routes(router, registry, request_metrics, &tasks, &timers,
                             &alerts.pipeline());
    http::HttpServerOptions options;
    options.metrics = request_metrics;
    options.listen = config.listen;
    options.threads = config.http_threads;
    options.max_queued = std::max(64, config.http_threads);
    options.max_body_bytes = config.max_body_bytes;
    options.header_timeout = std::chrono::seconds(config.http_header_timeout);
    options.body_timeout = std::chrono::seconds(config.http_body_timeout);
    options.idle_timeout = std::chrono::seconds(config.http_idle_timeout);
    options.token = token;
    http::HttpServer server(options, std::move(router));
    server.start();

    auto host = config.listen.substr(0, config.listen.rfind(':'));
    std::cout << "warden listening on http://" << host << ":" << server.port()
              << " (API token: the AUTH_TOKEN environment variable; env " << config.env << ")"
              << std::endl;

    int signal = 0;
    sigwait(&stop_signals, &signal);
    spdlog::info("{} received; stopping", signal == SIGINT ? "SIGINT" : "SIGTERM");
    server.stop();  // no new requests; those in progress end first
    timers.stop();  // running timer actions end and their outcomes are committed
    tasks.stop();   // running steps end and their boundaries are committed
    alerts.stop();  // after tasks and timers (they may raise alerts); queued notices stay
    registry.provide_list("channels", {});
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
    std::cerr << "warden serve: " << e.what() << "\n";
    return 1;
  }
  spdlog::info("stopped");
  return 0;
}

}  // namespace warden::host
