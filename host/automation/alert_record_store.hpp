#pragma once

#include "host/automation/alert_record.hpp"

#include <Poco/Data/Session.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace warden::host {

class Database;

/// GET /api/alerts filters; empty or zero: no filter. Newest (last_ms) first.
struct AlertRecordQuery {
  std::string state, source;
  std::string label_key, label_value;   ///< `label=key=value`
  std::int64_t from_ms = 0, to_ms = 0;  ///< last_ms within [from, to]
  std::size_t limit = 50, offset = 0;
};

struct AlertRecordPage {
  std::vector<AlertRecord> records;
  std::size_t total = 0;
};

/// The alert_records table (migration 14). Writes happen inside the caller's transaction (the
/// automation journal writes alert records and actions in one commit).
void upsert_alert_records(Poco::Data::Session& session, const std::vector<AlertRecord>& records);
std::vector<AlertRecord> load_open_alert_records(Database& database);
std::optional<AlertRecord> find_alert_record(Database& database, const std::string& id);
AlertRecordPage list_alert_records(Database& database, const AlertRecordQuery& query);

}  // namespace warden::host
