#include "host/http/alert_metrics.hpp"

#include "host/alerts/circuit_breaker.hpp"
#include "host/alerts/notice_pipeline.hpp"
#include "host/runtime/clock.hpp"

#include <sstream>

namespace warden::host::http {

std::string alert_metrics_text(const NoticePipeline& pipeline) {
  const auto c = pipeline.counts();
  std::ostringstream out;
  out << "# HELP warden_notices_total Notices since start, by what became of them (aggregated: "
         "alerts folded into an open notice).\n"
      << "# TYPE warden_notices_total counter\n"
      << "warden_notices_total{outcome=\"created\"} " << c.created << "\n"
      << "warden_notices_total{outcome=\"sent\"} " << c.sent << "\n"
      << "warden_notices_total{outcome=\"failed\"} " << c.failed << "\n"
      << "warden_notices_total{outcome=\"blocked\"} " << c.blocked << "\n"
      << "warden_notices_total{outcome=\"aggregated\"} " << c.aggregated << "\n"
      << "# HELP warden_notice_retries_total Delivery attempts that failed and were retried.\n"
      << "# TYPE warden_notice_retries_total counter\n"
      << "warden_notice_retries_total " << c.retries << "\n"
      << "# HELP warden_notices_queued Deliveries waiting in channel queues.\n"
      << "# TYPE warden_notices_queued gauge\n"
      << "warden_notices_queued " << c.queued << "\n"
      << "# HELP warden_notices_waiting Retries and dedupe windows armed.\n"
      << "# TYPE warden_notices_waiting gauge\n"
      << "warden_notices_waiting " << c.waiting << "\n"
      << "# HELP warden_notice_commits_total Transactions the notice journal committed.\n"
      << "# TYPE warden_notice_commits_total counter\n"
      << "warden_notice_commits_total " << c.commits << "\n"
      << "# HELP warden_notice_rows_written_total Notice rows those transactions wrote.\n"
      << "# TYPE warden_notice_rows_written_total counter\n"
      << "warden_notice_rows_written_total " << c.rows << "\n"
      << "# HELP warden_notice_write_seconds_total Time the notice journal spent writing and "
         "committing.\n"
      << "# TYPE warden_notice_write_seconds_total counter\n"
      << "warden_notice_write_seconds_total " << c.write_seconds << "\n"
      << "# HELP warden_notices_removed_total Ended notices deleted for being older than "
         "notice_max_age.\n"
      << "# TYPE warden_notices_removed_total counter\n"
      << "warden_notices_removed_total " << c.removed << "\n";
  return out.str();
}

std::string circuit_breaking_metrics_text(const CircuitBreaker& breaker) {
  const auto c = breaker.counts(now_ms());
  std::ostringstream out;
  out << "# HELP warden_circuit_breaking_blocked_total Notices and actions a circuit-breaking rule "
         "blocked since start.\n"
      << "# TYPE warden_circuit_breaking_blocked_total counter\n"
      << "warden_circuit_breaking_blocked_total{module=\"notice\"} " << c.blocked_notices << "\n"
      << "warden_circuit_breaking_blocked_total{module=\"action\"} " << c.blocked_actions << "\n"
      << "# HELP warden_circuit_breaking_rules Circuit-breaking rules in force, by the module they "
         "break.\n"
      << "# TYPE warden_circuit_breaking_rules gauge\n";
  for (const auto& [module, count] : c.rules)
    out << "warden_circuit_breaking_rules{module=\"" << module << "\"} " << count << "\n";
  return out.str();
}

}  // namespace warden::host::http
