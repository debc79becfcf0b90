#include "host/automation/automation_journal.hpp"

#include "host/automation/action_store.hpp"
#include "host/automation/alert_record_store.hpp"
#include "host/store/database.hpp"

#include <Poco/Data/Transaction.h>

namespace warden::host {
namespace {

void write_rows(Database& database, std::vector<AutomationRow>& rows) {
  std::vector<AlertRecord> alerts;
  std::vector<ActionRecord> actions;
  for (auto& row : rows) {
    if (auto* alert = std::get_if<AlertRecord>(&row))
      alerts.push_back(std::move(*alert));
    else
      actions.push_back(std::move(std::get<ActionRecord>(row)));
  }
  auto session = database.session();
  Poco::Data::Transaction tx(session);
  database.fence().check(session);
  upsert_alert_records(session, alerts);
  upsert_actions(database, session, actions);
  tx.commit();
}

std::string key_of(const AutomationRow& row) {
  if (const auto* alert = std::get_if<AlertRecord>(&row)) return "al:" + alert->id;
  return "ac:" + std::get<ActionRecord>(row).id;
}

}  // namespace

AutomationJournal::AutomationJournal(Database& database)
    : GroupCommit<AutomationRow>(
          "automation",
          [&database](std::vector<AutomationRow>& rows) { write_rows(database, rows); }, key_of) {}

}  // namespace warden::host
