#include "host/http/metrics_routes.hpp"

#include "host/http/alert_metrics.hpp"
#include "host/http/automation_metrics.hpp"
#include "host/http/outbox_metrics.hpp"
#include "host/tasks/task_manager.hpp"
#include "host/timers/timer_service.hpp"

#include <warden/version.hpp>

#include <map>
#include <sstream>

namespace warden::host::http {

namespace {

std::string task_metrics_text(const TaskManager& tasks) {
  std::ostringstream out;
  const auto c = tasks.counts();
  out << "# HELP warden_tasks_created_total Tasks created.\n"
      << "# TYPE warden_tasks_created_total counter\n"
      << "warden_tasks_created_total " << c.created << "\n"
      << "# HELP warden_tasks_ended_total Tasks ended, by status.\n"
      << "# TYPE warden_tasks_ended_total counter\n"
      << "warden_tasks_ended_total{status=\"finished\"} " << c.finished << "\n"
      << "warden_tasks_ended_total{status=\"failed\"} " << c.failed << "\n"
      << "# HELP warden_tasks_active Tasks waiting or running in this host.\n"
      << "# TYPE warden_tasks_active gauge\n"
      << "warden_tasks_active " << c.active << "\n"
      << "# HELP warden_task_steps_queued Steps waiting for a worker.\n"
      << "# TYPE warden_task_steps_queued gauge\n"
      << "warden_task_steps_queued " << c.queued << "\n"
      << "# HELP warden_task_waits_armed Task waits, polls and deadlines armed.\n"
      << "# TYPE warden_task_waits_armed gauge\n"
      << "warden_task_waits_armed " << c.timers << "\n"
      << "# HELP warden_task_commits_total Transactions the task journal committed.\n"
      << "# TYPE warden_task_commits_total counter\n"
      << "warden_task_commits_total " << c.commits << "\n"
      << "# HELP warden_task_rows_written_total Task rows those transactions wrote.\n"
      << "# TYPE warden_task_rows_written_total counter\n"
      << "warden_task_rows_written_total " << c.rows << "\n";
  return out.str();
}

std::string timer_metrics_text(const TimerService& timers) {
  std::ostringstream out;
  const auto c = timers.counts();
  out << "# HELP warden_timers Timer events and schedules kept, and how many are armed.\n"
      << "# TYPE warden_timers gauge\n"
      << "warden_timers{state=\"stored\"} " << c.timers << "\n"
      << "warden_timers{state=\"armed\"} " << c.armed << "\n"
      << "warden_timers{state=\"running\"} " << c.running << "\n"
      << "# HELP warden_timer_firings_total Timer firings: run (ok or failed) or skipped.\n"
      << "# TYPE warden_timer_firings_total counter\n"
      << "warden_timer_firings_total{outcome=\"ok\"} " << c.fired - c.failed << "\n"
      << "warden_timer_firings_total{outcome=\"failed\"} " << c.failed << "\n"
      << "warden_timer_firings_total{outcome=\"skipped\"} " << c.skipped << "\n"
      << "# HELP warden_timer_rearm_seconds Time the last start took to re-arm stored timers.\n"
      << "# TYPE warden_timer_rearm_seconds gauge\n"
      << "warden_timer_rearm_seconds " << c.rearm_seconds << "\n"
      << "# HELP warden_timer_lateness_seconds Start of a timer's action minus its due time.\n"
      << "# TYPE warden_timer_lateness_seconds histogram\n";
  for (std::size_t i = 0; i < TimerService::kLatenessBounds.size(); ++i)
    out << "warden_timer_lateness_seconds_bucket{le=\"" << TimerService::kLatenessBounds[i]
        << "\"} " << c.lateness_buckets[i] << "\n";
  out << "warden_timer_lateness_seconds_bucket{le=\"+Inf\"} " << c.lateness_buckets.back() << "\n"
      << "warden_timer_lateness_seconds_sum " << c.lateness_sum_seconds << "\n"
      << "warden_timer_lateness_seconds_count " << c.lateness_buckets.back() << "\n";
  return out.str();
}

}  // namespace

void add_metrics_routes(Router& router, const PluginRegistry& registry,
                        std::shared_ptr<const RequestMetrics> requests, const TaskManager* tasks,
                        const TimerService* timers, const NoticePipeline* notices,
                        const CircuitBreaker* breaker, const ActionEngine* automation,
                        OutboxRelay* outbox) {
  router.add("GET", "/metrics", [=, &registry](const Request&) {
    std::ostringstream out;
    out << "# HELP warden_build_info The running host's version and plugin SDK major.\n"
        << "# TYPE warden_build_info gauge\n"
        << "warden_build_info{version=\"" << WARDEN_VERSION << "\",sdk=\"" << WARDEN_SDK_MAJOR
        << "\"} 1\n";
    std::map<std::pair<std::string, std::string>, int> plugins;
    for (auto kind : {Kind::solution, Kind::alert_channel, Kind::timer_action})
      plugins[{to_string(kind), "loaded"}] = 0;
    for (const auto& record : registry.list()) {
      std::string kind = record->manifest ? to_string(record->manifest->kind) : "unknown";
      ++plugins[{kind, record->loaded() ? "loaded" : "failed"}];
    }
    out << "# HELP warden_plugins Plugin folders by kind and load status.\n"
        << "# TYPE warden_plugins gauge\n";
    for (const auto& [labels, count] : plugins)
      out << "warden_plugins{kind=\"" << labels.first << "\",status=\"" << labels.second << "\"} "
          << count << "\n";
    if (tasks) out << task_metrics_text(*tasks);
    if (timers) out << timer_metrics_text(*timers);
    if (notices) out << alert_metrics_text(*notices);
    if (breaker) out << circuit_breaking_metrics_text(*breaker);
    if (automation) out << automation_metrics_text(*automation);
    if (outbox) {
      try {
        out << outbox_metrics_text(*outbox);
      } catch (const std::exception&) {
        // The figures are read from the database: a scrape during an outage still answers.
        out << "# outbox figures unavailable: the database could not be read\n";
      }
    }
    if (requests) out << requests->prometheus();
    return Response::text(out.str(), "text/plain; version=0.0.4; charset=utf-8");
  });
}

}  // namespace warden::host::http
