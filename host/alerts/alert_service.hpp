#pragma once

#include "host/alerts/channel_instances.hpp"
#include "host/alerts/channel_store.hpp"
#include "host/alerts/circuit_breaker.hpp"
#include "host/alerts/notice_pipeline.hpp"
#include "host/alerts/notice_store.hpp"
#include "host/runtime/work_queue.hpp"
#include "host/services/alert_relay.hpp"
#include "host/services/host_services_impl.hpp"

namespace warden::host {

class Database;
class PluginRegistry;

/// Everything alerts need, made in the right order over one database: channel instances, the
/// circuit breaker, the notice store and the pipeline. `start` picks up unfinished notices;
/// `stop` lets deliveries in progress end and be stored. When a circuit-breaking rule first blocks
/// something after it became active, an alert saying so (type cluster, source circuit_breaking,
/// subject the rule id) goes to every enabled channel instance.
class AlertService {
 public:
  /// `notice_max_age_ms`: how long an ended notice is kept after its last change. `clock`
  /// (outliving the service) times the pipeline.
  AlertService(Database& database, const PluginRegistry& registry, const SharedServices& services,
               std::int64_t notice_max_age_ms = NoticePipeline::kDefaultMaxAgeMs,
               const Clock& clock = system_clock());
  ~AlertService() { stop(); }
  AlertService(const AlertService&) = delete;
  AlertService& operator=(const AlertService&) = delete;

  void start() { pipeline_.start(); }
  /// Plugins' alerts (SharedServices::alerts) go to the pipeline from now until stop().
  void connect(AlertRelay& relay);
  /// Disconnects the relay, then stops the pipeline (see NoticePipeline::stop).
  void stop();

  ChannelInstances& channels() { return channels_; }
  CircuitBreaker& breaker() { return breaker_; }
  NoticeStore& notices() { return notices_; }
  NoticePipeline& pipeline() { return pipeline_; }

 private:
  ChannelStore channel_store_;
  ChannelInstances channels_;
  CircuitBreaker breaker_;
  NoticeStore notices_;
  NoticePipeline pipeline_;
  AlertRelay* relay_ = nullptr;
  /// Raises the circuit-breaking alerts away from the matching thread (which may be inside a
  /// raise, or an engine holding its own lock). Last: stopped and destroyed before the pipeline.
  WorkQueue breaking_alerts_{"circuit-breaking alerts", 1};

  void report_breaking(const BreakRule& rule, const std::string& module);
};

}  // namespace warden::host
