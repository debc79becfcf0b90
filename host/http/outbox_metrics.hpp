#pragma once

#include <string>

namespace warden::host {
class OutboxRelay;
}

namespace warden::host::http {

/// The Kafka outbox's Prometheus lines: rows by state (`warden_outbox_messages{state}`, every
/// host's: one table), `warden_outbox_oldest_pending_seconds`, and what this host's relay did
/// (`warden_outbox_sent_total`, `_retries_total`, `_failed_total`). Reads the database.
std::string outbox_metrics_text(OutboxRelay& outbox);

}  // namespace warden::host::http
