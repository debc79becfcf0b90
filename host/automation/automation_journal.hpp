#pragma once

#include "host/automation/action_record.hpp"
#include "host/automation/alert_record.hpp"
#include "host/runtime/group_commit.hpp"

#include <variant>

namespace warden::host {

class Database;

/// An alert record or an action: what one ingest stores together, in one commit, so that no policy
/// match is lost between an alert and the actions it made.
using AutomationRow = std::variant<AlertRecord, ActionRecord>;

/// Group commit for alert records and actions (the latest row per id wins within a batch).
class AutomationJournal : public GroupCommit<AutomationRow> {
 public:
  explicit AutomationJournal(Database& database);
};

}  // namespace warden::host
