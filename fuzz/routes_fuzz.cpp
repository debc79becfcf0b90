// Every route's request (host/http/*_routes.cpp) through the router, over the real services on a
// temporary SQLite database, as `warden serve` wires them (host/app/serve.cpp), without a network
// and without plugins. The input is: one byte choosing the route; the route's path parameter (any
// bytes, percent-encoded here), optionally followed by `?` and a raw query, up to the first `\n`;
// then the body. Every answer must be below 500: a 5xx (or a crash) is a finding.
//
// The database and services are made again every kInputsPerWorld inputs, so rows the fuzzer
// creates (policies, alert records, timers…) stay few.
#include "fuzz/fuzz_input.hpp"
#include "host/alerts/alert_service.hpp"
#include "host/automation/automation_service.hpp"
#include "host/config/host_config.hpp"
#include "host/http/alert_api.hpp"
#include "host/http/health_routes.hpp"
#include "host/http/metrics_routes.hpp"
#include "host/http/plugin_routes.hpp"
#include "host/http/task_routes.hpp"
#include "host/http/timer_routes.hpp"
#include "host/plugins/plugin_registry.hpp"
#include "host/services/host_services_impl.hpp"
#include "host/store/database.hpp"
#include "host/tasks/task_service.hpp"
#include "host/timers/timer_service.hpp"

#include <spdlog/spdlog.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

namespace {

using namespace warden::host;
namespace fs = std::filesystem;

constexpr int kInputsPerWorld = 2000;

struct Route {
  const char* method;
  const char* path;  ///< `{}` stands for the path parameter
};

// Every route serve registers (GET routes too: their query parameters are input).
constexpr Route kRoutes[] = {
    {"POST", "/api/create_task"},
    {"POST", "/api/status_task"},
    {"POST", "/api/update_status_task"},
    {"POST", "/api/result_task"},
    {"POST", "/api/tasks"},
    {"POST", "/api/start_task"},
    {"POST", "/api/update_task"},
    {"POST", "/api/service_task"},
    {"POST", "/api/timer_events"},
    {"GET", "/api/timer_events"},
    {"DELETE", "/api/timer_events/{}"},
    {"POST", "/api/schedules"},
    {"GET", "/api/schedules"},
    {"GET", "/api/schedules/{}"},
    {"DELETE", "/api/schedules/{}"},
    {"GET", "/api/channels"},
    {"GET", "/api/channels/{}"},
    {"PUT", "/api/channels/{}"},
    {"DELETE", "/api/channels/{}"},
    {"POST", "/api/channels/{}/test"},
    {"POST", "/api/alerts"},
    {"POST", "/api/alerts/alertmanager"},
    {"GET", "/api/alerts"},
    {"GET", "/api/alerts/{}"},
    {"POST", "/api/alerts/{}/close"},
    {"GET", "/api/policies"},
    {"GET", "/api/policies/{}"},
    {"PUT", "/api/policies/{}"},
    {"DELETE", "/api/policies/{}"},
    {"GET", "/api/solutions"},
    {"GET", "/api/solutions/{}"},
    {"PUT", "/api/solutions/{}"},
    {"DELETE", "/api/solutions/{}"},
    {"GET", "/api/actions"},
    {"GET", "/api/actions/{}"},
    {"POST", "/api/actions/{}/approve"},
    {"POST", "/api/actions/{}/reject"},
    {"POST", "/api/circuit_breaking/replay"},
    {"GET", "/api/circuit_breaking"},
    {"PUT", "/api/circuit_breaking"},
    {"DELETE", "/api/circuit_breaking"},
    {"POST", "/api/circuit_breaking/rules"},
    {"DELETE", "/api/circuit_breaking/rules/{}"},
    {"GET", "/api/notifications"},
    {"GET", "/api/notifications/{}"},
    {"POST", "/api/notifications/{}/replay"},
    {"GET", "/api/plugins"},
    {"GET", "/api/plugins/{}"},
    {"POST", "/api/plugins/{}/check_config"},
    {"POST", "/api/plugins/reload"},
    {"GET", "/healthz"},
    {"GET", "/metrics"},
};

/// Made once and never destroyed: the exit handler that removes it runs after static destructors.
const fs::path& work_dir() {
  static const fs::path* dir = [] {
    const fs::path base = fs::exists("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
    std::string pattern = (base / "warden-routes-fuzz-XXXXXX").string();
    if (!mkdtemp(pattern.data())) std::abort();
    fs::create_directories(fs::path(pattern) / "plugins");
    return new fs::path(pattern);
  }();
  return *dir;
}

/// The HTTP client and renderer, made once: loading the system's CA certificates takes long enough
/// (seconds on a busy machine) to be charged to an input as a timeout if each world made its own.
SharedServices fresh_services() {
  static const SharedServices process = make_shared_services();
  return {process.http, process.templates, std::make_shared<AlertRelay>()};
}

/// The services and routes of `warden serve` over a fresh database (serve.cpp's Services, minus
/// the plugins).
struct World {
  explicit World(const HostConfig& config)
      : database(config.database),
        registry(config.plugins_dirs),
        shared(fresh_services()),
        tasks(database, registry, shared, TaskService::options_from(config)),
        timers(database, registry, shared, TimerServiceOptions{.workers = 1}),
        alerts(database, registry, shared, config.notice_max_age * 1000),
        automation(database, registry, shared, alerts, tasks.manager(),
                   AutomationOptions{.workers = 1, .close_after_ms = 3'600'000}) {
    registry.reload();
    timers.load(tasks.manager());
    registry.provide_list("channels", [this] {
      std::vector<std::string> names;
      for (const auto& instance : alerts.channels().list()) names.push_back(instance->name);
      return names;
    });
    alerts.connect(*shared.alerts);
    automation.connect(*shared.alerts);
    alerts.start();
    automation.start();
    tasks.start();
    timers.start();
    http::add_health_routes(router);
    http::add_plugin_routes(router, registry, shared);
    http::add_task_routes(router, tasks.manager(), config.max_status_task);
    http::add_timer_routes(router, timers);
    http::add_alert_api(router, alerts, automation, database);
    http::add_metrics_routes(router, registry, metrics, &tasks.manager(), &timers,
                             &alerts.pipeline(), &alerts.breaker(), &automation.engine());
  }
  ~World() {
    automation.stop();
    timers.stop();
    tasks.stop();
    alerts.stop();
    registry.provide_list("channels", {});
  }

  Database database;
  PluginRegistry registry;
  SharedServices shared;
  TaskService tasks;
  TimerService timers;
  AlertService alerts;
  AutomationService automation;
  std::shared_ptr<http::RequestMetrics> metrics = std::make_shared<http::RequestMetrics>();
  http::Router router;
};

HostConfig fuzz_config() {
  HostConfig config;
  config.plugins_dirs = {work_dir() / "plugins"};
  config.database = "sqlite:" + (work_dir() / "warden.db").string();
  config.workers = 1;
  return config;
}

std::unique_ptr<World> world;
int inputs_in_world = 0;

World& current_world() {
  if (!world || inputs_in_world++ >= kInputsPerWorld) {
    world.reset();
    for (const char* suffix : {"", "-wal", "-shm", "-journal"})
      fs::remove(work_dir() / ("warden.db" + std::string(suffix)));
    world = std::make_unique<World>(fuzz_config());
    inputs_in_world = 1;
  }
  return *world;
}

std::string percent_encoded(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);  // a refused request logs; the fuzzer wants speed
  std::atexit([] {
    world.reset();
    fs::remove_all(work_dir());
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const Route& route = kRoutes[data[0] % std::size(kRoutes)];
  const auto rest = warden::fuzz::as_text(data + 1, size - 1);
  const auto newline = rest.find('\n');
  const auto head = rest.substr(0, newline);
  const auto body =
      newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
  const auto question = head.find('?');
  const auto param = head.substr(0, question);
  const auto query =
      question == std::string_view::npos ? std::string_view() : head.substr(question);

  std::string target = route.path;
  if (const auto slot = target.find("{}"); slot != std::string::npos) {
    if (param.empty()) return 0;  // no route matches an empty segment
    target.replace(slot, 2, percent_encoded(param));
  }
  target += query;

  http::Request request;
  request.method = route.method;
  request.body = std::string(body);
  try {
    request.set_target(target);
  } catch (const http::HttpError&) {
    return 0;  // a malformed query: the server answers 400 before any route
  }
  const auto response = current_world().router.dispatch(request);
  const bool channel_test_failed = response.status == 502 && target.ends_with("/test");
  if (response.status >= 500 && !channel_test_failed) {
    std::fprintf(stderr, "%s %s answered %d: %s\n", route.method, target.c_str(), response.status,
                 response.body.c_str());
    std::abort();
  }
  return 0;
}
