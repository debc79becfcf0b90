#pragma once

#include <string>

namespace warden::host {
class NoticePipeline;
}

namespace warden::host::http {

/// The notice pipeline's Prometheus lines: `warden_notices_total{outcome}` (created, sent, failed,
/// blocked, aggregated), `warden_notice_retries_total`, `warden_notices_queued`,
/// `warden_notices_waiting` (retries and dedupe windows armed), `warden_notice_commits_total`,
/// `warden_notice_rows_written_total`, `warden_notice_write_seconds_total`.
std::string alert_metrics_text(const NoticePipeline& pipeline);

}  // namespace warden::host::http
