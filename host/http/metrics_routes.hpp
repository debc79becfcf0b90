#pragma once

#include "host/http/request_metrics.hpp"
#include "host/http/router.hpp"
#include "host/plugins/plugin_registry.hpp"

#include <memory>

namespace warden::host {
class TaskManager;
class TimerService;
class NoticePipeline;
class ActionEngine;
class CircuitBreaker;
class OutboxRelay;
}  // namespace warden::host

namespace warden::host::http {

/// GET /metrics (no token, Prometheus text format): build info, plugin folders by kind and status,
/// tasks, timers, notices, circuit breaking and the Kafka outbox (when given) and the server's
/// request counters. `registry` and `tasks` must outlive the server.
void add_metrics_routes(Router& router, const PluginRegistry& registry,
                        std::shared_ptr<const RequestMetrics> requests,
                        const TaskManager* tasks = nullptr, const TimerService* timers = nullptr,
                        const NoticePipeline* notices = nullptr,
                        const CircuitBreaker* breaker = nullptr,
                        const ActionEngine* automation = nullptr, OutboxRelay* outbox = nullptr);

}  // namespace warden::host::http
