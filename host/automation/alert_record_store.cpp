#include "host/automation/alert_record_store.hpp"
#include "host/store/sql_text.hpp"

#include "host/store/database.hpp"
#include "host/store/row_type_handler.hpp"

#include <warden/json_value.hpp>

#include <Poco/Data/Statement.h>
#include <Poco/JSON/Parser.h>

namespace warden::host {
namespace {

/// An alert record as its table row: the columns a filter reads, and the whole record as JSON.
struct AlertRecordRow {
  std::string id, fingerprint, state, source, labels;
  Poco::Int64 first_ms = 0, last_ms = 0;
  std::string body;

  static constexpr std::size_t kFields = 8;
  template <class Visit>
  void fields(Visit&& visit) {
    visit(id), visit(fingerprint), visit(state), visit(source), visit(labels), visit(first_ms),
        visit(last_ms), visit(body);
  }
};

std::string labels_json(const std::map<std::string, std::string>& labels) {
  Poco::JSON::Object object;
  for (const auto& [key, value] : labels) object.set(key, value);
  return compact_json(object);
}

AlertRecordRow to_row(const AlertRecord& record) {
  return {record.id,
          record.fingerprint,
          record.state,
          record.alert.source,
          labels_json(record.alert.labels),
          record.first_ms,
          record.last_ms,
          compact_json(*alert_record_to_json(record))};
}

AlertRecord from_body(const std::string& body) {
  return alert_record_from_json(
      *Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>());
}

std::vector<AlertRecord> from_bodies(const std::vector<std::string>& bodies) {
  std::vector<AlertRecord> out;
  out.reserve(bodies.size());
  for (const auto& body : bodies) out.push_back(from_body(body));
  return out;
}

/// `"key":"value"` exactly as compact_json writes a label (so quotes, backslashes and the rest are
/// escaped alike), with LIKE's wildcards escaped by `!`.
std::string label_text(const std::string& key, const std::string& value) {
  return compact_json(Poco::Dynamic::Var(key)) + ":" + compact_json(Poco::Dynamic::Var(value));
}

std::string like_escaped(const std::string& text) {
  std::string out;
  out.reserve(text.size() + 2);
  for (const char c : text) {
    if (c == '%' || c == '_' || c == '!') out += '!';
    out += c;
  }
  return out;
}

}  // namespace
}  // namespace warden::host

namespace Poco::Data {
template <>
class TypeHandler<warden::host::AlertRecordRow>
    : public warden::host::RowTypeHandler<warden::host::AlertRecordRow> {};
}  // namespace Poco::Data

namespace warden::host {

using namespace Poco::Data::Keywords;

void upsert_alert_records(Poco::Data::Session& session, const std::vector<AlertRecord>& records) {
  if (records.empty()) return;
  std::vector<AlertRecordRow> rows;
  rows.reserve(records.size());
  for (const auto& record : records) rows.push_back(to_row(record));
  session << sql_for(
      session,
      "INSERT INTO alert_records (id, fingerprint, state, source, labels, first_ms, "
      "last_ms, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
      "fingerprint = excluded.fingerprint, state = excluded.state, "
      "source = excluded.source, labels = excluded.labels, "
      "first_ms = excluded.first_ms, last_ms = excluded.last_ms, body = excluded.body"),
      use(rows), now;
}

std::vector<AlertRecord> load_open_alert_records(Database& database) {
  std::vector<std::string> bodies;
  auto session = database.session();
  session << sql_for(
      session, "SELECT body FROM alert_records WHERE state <> 'closed' ORDER BY first_ms, id"),
      into(bodies), now;
  return from_bodies(bodies);
}

std::optional<AlertRecord> find_alert_record(Database& database, const std::string& id) {
  std::vector<std::string> bodies;
  std::string key = id;
  auto session = database.session();
  session << sql_for(session, "SELECT body FROM alert_records WHERE id = ?"), use(key),
      into(bodies), now;
  if (bodies.empty()) return std::nullopt;
  return from_body(bodies.front());
}

AlertRecordPage list_alert_records(Database& database, const AlertRecordQuery& query) {
  std::string where;
  std::vector<std::string> texts;
  std::vector<Poco::Int64> times;
  const auto condition = [&where](const std::string& sql) {
    where += (where.empty() ? " WHERE " : " AND ") + sql;
  };
  if (!query.state.empty()) {
    condition("state = ?");
    texts.push_back(query.state);
  }
  if (!query.source.empty()) {
    condition("source = ?");
    texts.push_back(query.source);
  }
  if (!query.label_key.empty()) {
    // LIKE ignores ASCII case in SQLite; REPLACE, which finds the text case-sensitively in SQLite
    // and PostgreSQL alike, keeps only the exact label.
    const auto label = label_text(query.label_key, query.label_value);
    condition("labels LIKE ? ESCAPE '!' AND REPLACE(labels, ?, '') <> labels");
    texts.push_back("%" + like_escaped(label) + "%");
    texts.push_back(label);
  }
  // The times are bound after the texts: their conditions come last in the SQL.
  if (query.from_ms != 0) {
    condition("last_ms >= ?");
    times.push_back(query.from_ms);
  }
  if (query.to_ms != 0) {
    condition("last_ms <= ?");
    times.push_back(query.to_ms);
  }
  const auto bind = [&](Poco::Data::Statement& statement) {
    for (const auto& text : texts) statement, useRef(text);
    for (const auto& time : times) statement, useRef(time);
  };

  auto session = database.session();
  AlertRecordPage page;
  {
    Poco::Int64 total = 0;
    Poco::Data::Statement count(session);
    count << sql_for(session, "SELECT COUNT(*) FROM alert_records" + where), into(total);
    bind(count);
    count.execute();
    page.total = static_cast<std::size_t>(total);
  }
  Poco::Int64 limit = static_cast<Poco::Int64>(query.limit);
  Poco::Int64 offset = static_cast<Poco::Int64>(query.offset);
  std::vector<std::string> bodies;
  Poco::Data::Statement select(session);
  select << sql_for(session, "SELECT body FROM alert_records" + where +
                                 " ORDER BY last_ms DESC, id DESC LIMIT ? OFFSET ?"),
      into(bodies);
  bind(select);
  select, use(limit), use(offset);
  select.execute();
  page.records = from_bodies(bodies);
  return page;
}

}  // namespace warden::host
