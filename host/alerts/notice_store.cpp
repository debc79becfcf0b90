#include "host/alerts/notice_store.hpp"
#include "host/store/sql_text.hpp"

#include "host/store/database.hpp"
#include "host/store/pg_writer.hpp"
#include "host/store/row_type_handler.hpp"
#include "host/store/sqlite_writer.hpp"

#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Data/Transaction.h>

#include <algorithm>
#include <iterator>

template <>
class Poco::Data::TypeHandler<warden::host::Notice>
    : public warden::host::RowTypeHandler<warden::host::Notice> {};

using namespace Poco::Data::Keywords;

namespace warden::host {
namespace {

constexpr const char* kColumns =
    "notice_id, channel_name, channel, origin, status, alert_json, dedupe_key, aggregated, "
    "attempts, next_ms, create_ms, update_ms, end_ms, error, detail, http_status, template_error, "
    "blocked_by, alert_of";
/// kColumns as read: a notice whose alert is stored with another notice reads it from there.
constexpr const char* kRead =
    "notice_id, channel_name, channel, origin, status, CASE WHEN alert_of = '' THEN alert_json "
    "ELSE (SELECT holder.alert_json FROM notices AS holder WHERE holder.notice_id = "
    "notices.alert_of) END, dedupe_key, aggregated, attempts, next_ms, create_ms, update_ms, "
    "end_ms, error, detail, http_status, template_error, blocked_by, alert_of";

// The partial indexes' own conditions (migration 13), written out: the planner uses such an index
// only for a query whose WHERE holds its condition word for word.
constexpr const char* kUnfinished = "status IN ('created', 'sending')";
constexpr const char* kEnded = "status NOT IN ('created', 'sending')";

}  // namespace

void NoticeStore::write(std::vector<Notice>& notices) {
  if (notices.empty()) return;
  if (database_.postgresql()) {
    if (!pg_writer_) pg_writer_ = std::make_unique<PgWriter>(database_);
    write_with(*pg_writer_, notices);
  } else {
    if (!sqlite_writer_) sqlite_writer_ = std::make_unique<SqliteWriter>(database_.session());
    write_with(*sqlite_writer_, notices);
  }
}

template <class Writer>
void NoticeStore::write_with(Writer& writer, std::vector<Notice>& notices) {
  static const std::string upsert =
      std::string("INSERT INTO notices (") + kColumns +
      ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (notice_id) "
      "DO "
      "UPDATE SET status = excluded.status, alert_json = excluded.alert_json, "
      "aggregated = excluded.aggregated, attempts = excluded.attempts, next_ms = excluded.next_ms, "
      "update_ms = excluded.update_ms, end_ms = excluded.end_ms, error = excluded.error, "
      "detail = excluded.detail, http_status = excluded.http_status, "
      "template_error = excluded.template_error, blocked_by = excluded.blocked_by";
  static const std::string outcome =
      "UPDATE notices SET status = ?, attempts = ?, next_ms = ?, update_ms = ?, end_ms = ?, "
      "error = ? WHERE notice_id = ?";
  // Whole rows first, then outcomes: a batch may hold a notice's whole row and, after it, its
  // outcome (the pipeline keys them apart), and the outcome is the later state.
  const auto outcomes_from = std::stable_partition(notices.begin(), notices.end(),
                                                   [](const Notice& n) { return !n.outcome_only; });
  typename Writer::Transaction tx(writer);
  database_.fence().check(writer);
  for (auto it = notices.begin(); it != outcomes_from; ++it) {
    if (!it->alert_of.empty()) it->alert_json.clear();  // its holder's row has it
    writer.run_row(upsert, *it);
  }
  for (auto it = outcomes_from; it != notices.end(); ++it)
    writer.run(outcome, it->status, it->attempts, it->next_ms, it->update_ms, it->end_ms, it->error,
               it->notice_id);
  tx.commit();
}

NoticeStore::NoticeStore(Database& database) : database_(database) {}
NoticeStore::~NoticeStore() = default;

std::optional<Notice> NoticeStore::find(const std::string& notice_id) const {
  std::vector<Notice> rows;
  std::string id = notice_id;
  auto session = database_.session();
  session << sql_for(session, std::string("SELECT ") + kRead + " FROM notices WHERE notice_id = ?"),
      into(rows), use(id), now;
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

std::vector<Notice> NoticeStore::find_many(const std::vector<std::string>& notice_ids) const {
  constexpr std::size_t kPerQuery = 500;
  std::vector<Notice> rows;
  auto session = database_.session();
  for (std::size_t at = 0; at < notice_ids.size(); at += kPerQuery) {
    const auto until = std::min(notice_ids.size(), at + kPerQuery);
    std::string marks;
    for (std::size_t i = at; i < until; ++i) marks += i == at ? "?" : ", ?";
    std::vector<Notice> chunk;
    Poco::Data::Statement select(session);
    select << sql_for(session, std::string("SELECT ") + kRead +
                                   " FROM notices WHERE notice_id IN (" + marks + ")"),
        into(chunk);
    for (std::size_t i = at; i < until; ++i) select, useRef(notice_ids[i]);
    select.execute();
    std::move(chunk.begin(), chunk.end(), std::back_inserter(rows));
  }
  return rows;
}

NoticePage NoticeStore::list(const NoticeQuery& query) const {
  std::vector<std::string> parts;  // the result is their union; each gets the conditions below
  if (query.status)
    parts.push_back(notice_status::ended(*query.status) ? kEnded : kUnfinished);
  else if (query.channel_name)
    parts = {kEnded, kUnfinished};  // by channel, each half has an index of its own
  else
    parts.push_back("");

  std::vector<std::string> conditions;
  std::vector<std::string> texts;
  std::vector<Poco::Int64> numbers;
  auto add = [&conditions](const char* condition) { conditions.emplace_back(condition); };
  // Text conditions first, then numbers: bound in that order below.
  if (query.channel_name) add("channel_name = ?"), texts.push_back(*query.channel_name);
  if (query.status) add("status = ?"), texts.push_back(*query.status);
  if (query.origin) add("origin = ?"), texts.push_back(*query.origin);
  if (query.dedupe_key) add("dedupe_key = ?"), texts.push_back(*query.dedupe_key);
  // The time range as a range of ids (what the indexes are ordered by), and as itself.
  if (query.since_ms) add("notice_id >= ?"), texts.push_back(notice_id_floor(*query.since_ms));
  if (query.until_ms) add("notice_id < ?"), texts.push_back(notice_id_floor(*query.until_ms + 1));
  if (query.since_ms) add("create_ms >= ?"), numbers.push_back(*query.since_ms);
  if (query.until_ms) add("create_ms <= ?"), numbers.push_back(*query.until_ms);
  const auto where = [&](const std::string& part) {
    std::string clause;
    for (const auto& condition : conditions) clause += (clause.empty() ? "" : " AND ") + condition;
    if (!part.empty()) clause = clause.empty() ? part : part + " AND " + clause;
    return " FROM notices" + (clause.empty() ? std::string() : " WHERE " + clause);
  };
  const auto bind = [&](Poco::Data::Statement& statement) {
    for (std::size_t i = 0; i < parts.size(); ++i) {
      for (const auto& t : texts) statement, useRef(t);
      for (const auto& n : numbers) statement, useRef(n);
    }
  };

  auto session = database_.session();
  NoticePage page;
  {
    std::string sql = "SELECT ";
    for (std::size_t i = 0; i < parts.size(); ++i)
      sql += (i ? " + (SELECT COUNT(*)" : "(SELECT COUNT(*)") + where(parts[i]) + ")";
    Poco::Data::Statement count(session);
    count << sql_for(session, sql), into(page.total);
    bind(count);
    count.execute();
  }
  std::string sql;
  for (std::size_t i = 0; i < parts.size(); ++i)
    sql += (i ? " UNION ALL SELECT " : "SELECT ") + std::string(kRead) + where(parts[i]);
  sql += " ORDER BY notice_id DESC LIMIT ? OFFSET ?";
  Poco::Int64 limit = query.page_size;
  Poco::Int64 offset = static_cast<Poco::Int64>(query.page - 1) * query.page_size;
  Poco::Data::Statement select(session);
  select << sql_for(session, sql), into(page.notices);
  bind(select);
  select, use(limit), use(offset);
  select.execute();
  return page;
}

std::vector<Notice> NoticeStore::unfinished() const {
  std::vector<Notice> rows;
  auto session = database_.session();
  session << sql_for(session, std::string("SELECT ") + kRead + " FROM notices WHERE " +
                                  kUnfinished + " ORDER BY notice_id"),
      into(rows), now;
  return rows;
}

std::size_t NoticeStore::remove_ended(std::int64_t before_ms, std::size_t at_most) {
  // A holder's referrers were made in the same millisecond (raise()): they share the first 16
  // characters of its id ("nt_" and the 48-bit time), so only that id range is searched for them.
  static const std::string remove =
      std::string(
          "DELETE FROM notices WHERE notice_id IN (SELECT notice_id FROM notices AS old "
          "WHERE ") +
      kEnded +
      " AND notice_id < ? AND update_ms < ? AND NOT EXISTS (SELECT 1 FROM notices AS kept "
      "WHERE kept.notice_id >= substr(old.notice_id, 1, 16) AND kept.notice_id < "
      "substr(old.notice_id, 1, 16) || 'g' AND kept.alert_of = old.notice_id AND (kept.status IN "
      "('created', 'sending') OR kept.update_ms >= ?)) ORDER BY notice_id LIMIT ?)";
  std::string below = notice_id_floor(before_ms);
  Poco::Int64 before = before_ms;
  Poco::Int64 limit = static_cast<Poco::Int64>(at_most);
  auto session = database_.session();
  Poco::Data::Statement statement(session);
  statement << sql_for(session, remove), use(below), use(before), use(before), use(limit);
  return statement.execute();
}

}  // namespace warden::host
