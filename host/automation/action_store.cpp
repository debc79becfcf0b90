#include "host/automation/action_store.hpp"
#include "host/store/sql_text.hpp"

#include "host/store/database.hpp"
#include "host/store/sealed_columns.hpp"

#include <warden/json_value.hpp>

#include <Poco/Data/Statement.h>
#include <Poco/JSON/Parser.h>

using namespace Poco::Data::Keywords;

namespace warden::host {
namespace {

ActionRecord action_of(const Database& database, const std::string& stored) {
  const auto body = database.open(stored, sealed_column::kActionBody);
  return action_record_from_json(
      *Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>());
}

/// `,id1,id2,`: an aggregated notice is found from any of its alerts.
std::string alert_list(const ActionRecord& a) {
  std::string out = ",";
  for (const auto& id : a.alert_ids) out += id + ",";
  return out;
}

struct Filter {
  std::string where;
  std::vector<std::string> values;
};

Filter filter_of(const ActionQuery& q) {
  Filter f;
  const auto add = [&f](const char* sql, const std::string& value) {
    if (value.empty()) return;
    f.where += f.where.empty() ? " WHERE " : " AND ";
    f.where += sql;
    f.values.push_back(value);
  };
  add("alert_ids LIKE ('%,' || ? || ',%')", q.alert_id);
  add("policy = ?", q.policy);
  add("kind = ?", q.kind);
  add("status = ?", q.status);
  return f;
}

}  // namespace

void upsert_actions(const Database& database, Poco::Data::Session& session,
                    const std::vector<ActionRecord>& actions) {
  for (const auto& a : actions) {
    std::string id = a.id, policy = a.policy, alert_id = a.alert_id, alert_ids = alert_list(a),
                kind = a.kind, status = a.status,
                body = database.seal(compact_json(*action_record_to_json(a)),
                                     sealed_column::kActionBody);
    Poco::Int64 created = a.created_ms, updated = a.updated_ms;
    session << sql_for(session,
                       "INSERT INTO actions (id, policy, alert_id, alert_ids, kind, status, "
                       "created_ms, updated_ms, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON "
                       "CONFLICT (id) DO UPDATE SET alert_ids = excluded.alert_ids, status = "
                       "excluded.status, updated_ms = excluded.updated_ms, body = excluded.body"),
        use(id), use(policy), use(alert_id), use(alert_ids), use(kind), use(status), use(created),
        use(updated), use(body), now;
  }
}

std::vector<ActionRecord> load_unfinished_actions(Database& database) {
  std::vector<std::string> bodies;
  auto s = database.session();
  s << sql_for(
      s,
      "SELECT body FROM actions WHERE status IN ('created', 'waiting_approval', 'running', "
      "'blocked') ORDER BY id"),
      into(bodies), now;
  std::vector<ActionRecord> out;
  out.reserve(bodies.size());
  for (const auto& b : bodies) out.push_back(action_of(database, b));
  return out;
}

std::optional<ActionRecord> find_stored_action(Database& database, const std::string& id) {
  std::vector<std::string> bodies;
  std::string key = id;
  auto s = database.session();
  s << sql_for(s, "SELECT body FROM actions WHERE id = ?"), use(key), into(bodies), now;
  if (bodies.empty()) return std::nullopt;
  return action_of(database, bodies.front());
}

ActionPage list_stored_actions(Database& database, const ActionQuery& query) {
  auto filter = filter_of(query);
  auto s = database.session();
  ActionPage page;
  {
    Poco::Data::Statement count(s);
    Poco::Int64 total = 0;
    count << sql_for(s, "SELECT COUNT(*) FROM actions" + filter.where), into(total);
    for (auto& v : filter.values) count, use(v);
    count.execute();
    page.total = static_cast<std::size_t>(total);
  }
  std::vector<std::string> bodies;
  Poco::Int64 limit = static_cast<Poco::Int64>(query.limit),
              offset = static_cast<Poco::Int64>(query.offset);
  Poco::Data::Statement select(s);
  select << sql_for(
      s, "SELECT body FROM actions" + filter.where + " ORDER BY id DESC LIMIT ? OFFSET ?"),
      into(bodies);
  for (auto& v : filter.values) select, use(v);
  select, use(limit), use(offset);
  select.execute();
  for (const auto& b : bodies) page.actions.push_back(action_of(database, b));
  return page;
}

}  // namespace warden::host
