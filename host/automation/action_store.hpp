#pragma once

#include "host/automation/action_record.hpp"

#include <Poco/Data/Session.h>

#include <optional>
#include <string>
#include <vector>

namespace warden::host {

class Database;

/// GET /api/actions filters; empty: no filter. Newest first.
struct ActionQuery {
  std::string alert_id, policy, kind, status;
  std::size_t limit = 50, offset = 0;
};
struct ActionPage {
  std::vector<ActionRecord> actions;
  std::size_t total = 0;
};

/// The actions table (migration 18): indexed columns beside the whole record as JSON. Writes
/// happen inside the caller's transaction (the automation journal).
void upsert_actions(const Database& database, Poco::Data::Session& session,
                    const std::vector<ActionRecord>& actions);
/// Created, waiting for approval, running or blocked: what a start picks up.
std::vector<ActionRecord> load_unfinished_actions(Database& database);
std::optional<ActionRecord> find_stored_action(Database& database, const std::string& id);
ActionPage list_stored_actions(Database& database, const ActionQuery& query);

}  // namespace warden::host
