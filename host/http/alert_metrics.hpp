#pragma once

#include <string>

namespace warden::host {
class CircuitBreaker;
class NoticePipeline;
}  // namespace warden::host

namespace warden::host::http {

/// The notice pipeline's Prometheus lines: `warden_notices_total{outcome}` (created, sent, failed,
/// blocked, aggregated), `warden_notice_retries_total`, `warden_notices_queued`,
/// `warden_notices_waiting` (retries and dedupe windows armed), `warden_notice_commits_total`,
/// `warden_notice_rows_written_total`, `warden_notice_write_seconds_total`.
std::string alert_metrics_text(const NoticePipeline& pipeline);

/// Circuit breaking's Prometheus lines: `warden_circuit_breaking_blocked_total{module}` (notices
/// and actions blocked since start) and `warden_circuit_breaking_rules{module}` (rules in force,
/// by the module they name: notice, action, all).
std::string circuit_breaking_metrics_text(const CircuitBreaker& breaker);

}  // namespace warden::host::http
