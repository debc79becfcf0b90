#include "host/http/outbox_metrics.hpp"

#include "host/queue/outbox_relay.hpp"
#include "host/runtime/clock.hpp"

#include <algorithm>
#include <sstream>

namespace warden::host::http {

std::string outbox_metrics_text(OutboxRelay& outbox) {
  std::ostringstream out;
  const auto rows = outbox.store().counts();
  const auto relayed = outbox.counts();
  const auto now = system_clock().now_ms();
  const double oldest =
      rows.oldest_pending_ms > 0
          ? static_cast<double>(std::max<std::int64_t>(0, now - rows.oldest_pending_ms)) / 1000.0
          : 0.0;
  out << "# HELP warden_outbox_messages Kafka outbox messages by state (every host's).\n"
      << "# TYPE warden_outbox_messages gauge\n"
      << "warden_outbox_messages{state=\"pending\"} " << rows.pending << "\n"
      << "warden_outbox_messages{state=\"failed\"} " << rows.failed << "\n"
      << "# HELP warden_outbox_oldest_pending_seconds Age of the oldest message not yet sent.\n"
      << "# TYPE warden_outbox_oldest_pending_seconds gauge\n"
      << "warden_outbox_oldest_pending_seconds " << oldest << "\n"
      << "# HELP warden_outbox_sent_total Messages the broker acknowledged (this host).\n"
      << "# TYPE warden_outbox_sent_total counter\n"
      << "warden_outbox_sent_total " << relayed.sent << "\n"
      << "# HELP warden_outbox_retries_total Failed deliveries to be tried again (this host).\n"
      << "# TYPE warden_outbox_retries_total counter\n"
      << "warden_outbox_retries_total " << relayed.retries << "\n"
      << "# HELP warden_outbox_failed_total Messages the broker refused for good (this host).\n"
      << "# TYPE warden_outbox_failed_total counter\n"
      << "warden_outbox_failed_total " << relayed.failed << "\n";
  return out.str();
}

}  // namespace warden::host::http
