#include "host/store/database.hpp"
#include "host/store/pg_writer.hpp"
#include "host/store/row_type_handler.hpp"
#include "host/store/sealed_columns.hpp"
#include "host/store/sql_text.hpp"
#include "host/store/work_fence.hpp"
#include "host/store/write_transaction.hpp"
#include "host/timers/timer_store.hpp"

#include <Poco/Data/SQLite/Utility.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Data/Transaction.h>
#include <sqlite3.h>

#include <memory>
#include <type_traits>

namespace warden::host {
namespace {

/// A timer as its table row: only types every connector binds.
struct TimerRow {
  std::string kind, id, node_id;
  int enable = 1;
  std::string action, timer_type, defined, time_zone, params_json, misfire, state;
  Poco::Int64 created_ms = 0, updated_ms = 0, armed_ms = 0, due_ms = 0, generation = 0;
  Poco::Int64 fired = 0, failures = 0, skipped = 0, last_fired_ms = 0, last_lateness_us = 0;
  std::string last_outcome, last_error, action_state_json;
  Poco::Int64 firing_due_ms = 0;
  int firing_interrupted = 0;
  std::string owner;  ///< the host that arms it (WorkFence::owner)

  // The columns, in kColumns' order.
  static constexpr std::size_t kFields = 27;
  template <class Visit>
  void fields(Visit&& visit) {
    visit(kind), visit(id), visit(node_id), visit(enable), visit(action), visit(timer_type),
        visit(defined), visit(time_zone), visit(params_json), visit(misfire), visit(state),
        visit(created_ms), visit(updated_ms), visit(armed_ms), visit(due_ms), visit(generation),
        visit(fired), visit(failures), visit(skipped), visit(last_fired_ms),
        visit(last_lateness_us), visit(last_outcome), visit(last_error), visit(action_state_json),
        visit(firing_due_ms), visit(firing_interrupted), visit(owner);
  }
};

constexpr const char* kColumns =
    "kind, id, node_id, enable, action, timer_type, defined, time_zone, params_json, misfire, "
    "state, created_ms, updated_ms, armed_ms, due_ms, generation, fired, failures, skipped, "
    "last_fired_ms, last_lateness_us, last_outcome, last_error, action_state_json, firing_due_ms, "
    "firing_interrupted, owner";

TimerRow to_row(const Database& db, const TimerRecord& r) {
  return {std::string(to_string(r.kind)),
          r.id,
          r.node_id,
          r.enable ? 1 : 0,
          r.action,
          std::string(to_string(r.type)),
          r.defined,
          r.time_zone,
          db.seal(r.params, sealed_column::kTimerParams),
          std::string(to_string(r.misfire)),
          std::string(to_string(r.state)),
          r.created_ms,
          r.updated_ms,
          r.armed_ms,
          r.due_ms,
          r.generation,
          r.fired,
          r.failures,
          r.skipped,
          r.last_fired_ms,
          r.last_lateness_us,
          std::string(to_string(r.last_outcome)),
          r.last_error,
          r.action_state,
          r.firing_due_ms,
          r.firing_interrupted,
          db.fence().owner()};
}

TimerRecord from_row(const Database& db, TimerRow& row) {
  TimerRecord r;
  r.kind = row.kind == "schedule" ? TimerKind::schedule : TimerKind::event;
  r.id = std::move(row.id);
  r.node_id = std::move(row.node_id);
  r.enable = row.enable != 0;
  r.action = std::move(row.action);
  r.type = parse_timer_type(row.timer_type).value_or(TimerType::time_duration);
  r.defined = std::move(row.defined);
  r.time_zone = std::move(row.time_zone);
  r.params = db.open(row.params_json, sealed_column::kTimerParams);
  r.misfire = parse_misfire(row.misfire).value_or(Misfire::fire_once);
  r.state = parse_timer_state(row.state);
  r.created_ms = row.created_ms;
  r.updated_ms = row.updated_ms;
  r.armed_ms = row.armed_ms;
  r.due_ms = row.due_ms;
  r.generation = row.generation;
  r.fired = row.fired;
  r.failures = row.failures;
  r.skipped = row.skipped;
  r.last_fired_ms = row.last_fired_ms;
  r.last_lateness_us = row.last_lateness_us;
  r.last_outcome = parse_fire_outcome(row.last_outcome);
  r.last_error = std::move(row.last_error);
  r.action_state = row.action_state_json.empty() ? "{}" : std::move(row.action_state_json);
  r.firing_due_ms = row.firing_due_ms;
  r.firing_interrupted = row.firing_interrupted;
  return r;
}

}  // namespace
}  // namespace warden::host

namespace Poco::Data {
template <>
class TypeHandler<warden::host::TimerRow>
    : public warden::host::RowTypeHandler<warden::host::TimerRow> {};
}  // namespace Poco::Data

namespace warden::host {

using namespace Poco::Data::Keywords;

SqlTimerStore::SqlTimerStore(Database& database)
    : database_(database),
      pg_(database.postgresql() ? std::make_unique<PgWriterSlot>() : nullptr) {}

SqlTimerStore::~SqlTimerStore() = default;

void SqlTimerStore::write(const std::vector<TimerRecord>& records) {
  if (records.empty()) return;
  std::vector<TimerRow> upserts;
  std::vector<std::string> removed_kinds, removed_ids;
  for (const auto& r : records) {
    if (r.removed) {
      removed_kinds.emplace_back(to_string(r.kind));
      removed_ids.push_back(r.id);
    } else {
      upserts.push_back(to_row(database_, r));
    }
  }
  static const std::string upsert =
      std::string("INSERT INTO timers (") + kColumns +
      ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
      "?) ON CONFLICT (kind, id) DO UPDATE SET node_id = excluded.node_id, "
      "enable = excluded.enable, action = excluded.action, timer_type = excluded.timer_type, "
      "defined = excluded.defined, time_zone = excluded.time_zone, "
      "params_json = excluded.params_json, misfire = excluded.misfire, state = excluded.state, "
      "created_ms = excluded.created_ms, updated_ms = excluded.updated_ms, "
      "armed_ms = excluded.armed_ms, due_ms = excluded.due_ms, generation = excluded.generation, "
      "fired = excluded.fired, failures = excluded.failures, skipped = excluded.skipped, "
      "last_fired_ms = excluded.last_fired_ms, last_lateness_us = excluded.last_lateness_us, "
      "last_outcome = excluded.last_outcome, last_error = excluded.last_error, "
      "action_state_json = excluded.action_state_json, firing_due_ms = excluded.firing_due_ms, "
      "firing_interrupted = excluded.firing_interrupted, owner = excluded.owner";
  static const std::string remove = "DELETE FROM timers WHERE kind = ? AND id = ?";
  if (pg_) {
    // Poco's PostgreSQL connector binds and waits row by row; libpq pipelines the batch.
    pg_->with(database_, [&](PgWriter& writer) {
      PgWriter::Transaction tx(writer);
      database_.fence().check(writer);
      for (auto& row : upserts) writer.run_row(upsert, row);
      for (std::size_t i = 0; i < removed_ids.size(); ++i)
        writer.run(remove, removed_kinds[i], removed_ids[i]);
      tx.commit();
    });
    return;
  }
  auto session = database_.session();
  Poco::Data::Transaction tx(session);
  database_.fence().check(session);
  if (!upserts.empty()) session << sql_for(session, upsert), use(upserts), now;
  if (!removed_ids.empty())
    session << sql_for(session, remove), use(removed_kinds), use(removed_ids), now;
  tx.commit();
}

void SqlTimerStore::load(const std::function<void(TimerRecord&&)>& each) {
  auto session = database_.session();
  const auto sql = std::string("SELECT ") + kColumns + " FROM timers WHERE owner = ?";
  const auto owner = database_.fence().owner();
  if (session.connector() != "sqlite") {
    std::vector<TimerRow> rows;
    session << sql_for(session, sql), useRef(owner), into(rows), now;
    for (auto& row : rows) each(from_row(database_, row));
    return;
  }
  // Start-up reads every timer. Poco Data's per-cell extraction costs about 8 µs a row here, which
  // made re-arming 100,000 timers miss its 2 s budget; SQLite's own API reads a row in under 1 µs.
  sqlite3* db = Poco::Data::SQLite::Utility::dbHandle(session);
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr) != SQLITE_OK)
    throw DatabaseError(std::string("reading timers: ") + sqlite3_errmsg(db));
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> statement(raw, sqlite3_finalize);
  sqlite3_bind_text(raw, 1, owner.c_str(), static_cast<int>(owner.size()), SQLITE_TRANSIENT);
  int rc;
  while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
    TimerRow row;
    int column = 0;
    row.fields([&](auto& field) {
      using Field = std::decay_t<decltype(field)>;
      if constexpr (std::is_same_v<Field, std::string>) {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(raw, column));
        field.assign(text ? text : "", static_cast<std::size_t>(sqlite3_column_bytes(raw, column)));
      } else {
        field = static_cast<Field>(sqlite3_column_int64(raw, column));
      }
      ++column;
    });
    each(from_row(database_, row));
  }
  if (rc != SQLITE_DONE) throw DatabaseError(std::string("reading timers: ") + sqlite3_errmsg(db));
}

std::vector<TimerRecord> SqlTimerStore::claim(std::size_t limit, bool with_schedules) {
  const auto me = database_.fence().owner();
  std::vector<TimerRow> claimed;
  auto session = database_.session();
  WriteTransaction tx(session);
  database_.fence().check(session);
  for_each_gone_host(session, me, [&](const std::string& owner) {
    // An event goes with its task: one whose task another live host took is left to that host.
    Poco::Int64 n = static_cast<Poco::Int64>(limit - claimed.size());
    std::vector<TimerRow> batch;
    session << sql_for(session, std::string("SELECT ") + kColumns +
                                    " FROM timers WHERE owner = ? AND (kind = 'schedule' OR NOT "
                                    "EXISTS (SELECT 1 FROM tasks k WHERE k.task_id = "
                                    "timers.node_id AND k.owner <> timers.owner AND k.owner <> "
                                    "?))" +
                                    (with_schedules ? "" : " AND kind = 'event'") +
                                    " ORDER BY kind, id LIMIT ?" + skip_locked(session)),
        useRef(owner), useRef(me), use(n), into(batch), now;
    for (auto& row : batch) {
      session << sql_for(session, "UPDATE timers SET owner = ? WHERE kind = ? AND id = ?"),
          useRef(me), useRef(row.kind), useRef(row.id), now;
      claimed.push_back(std::move(row));
    }
    return claimed.size() < limit;
  });
  tx.commit();
  std::vector<TimerRecord> out;
  out.reserve(claimed.size());
  for (auto& row : claimed) out.push_back(from_row(database_, row));
  return out;
}

std::vector<TimerRecord> SqlTimerStore::events_of(const std::vector<std::string>& node_ids) {
  std::vector<TimerRecord> out;
  if (node_ids.empty()) return out;
  const auto me = database_.fence().owner();
  std::string sql = std::string("SELECT ") + kColumns +
                    " FROM timers WHERE owner = ? AND kind = 'event' AND node_id IN (";
  for (std::size_t i = 0; i < node_ids.size(); ++i) sql += i ? ", ?" : "?";
  auto session = database_.session();
  std::vector<TimerRow> rows;
  Poco::Data::Statement select(session);
  select << sql_for(session, sql + ")"), useRef(me), into(rows);
  for (const auto& id : node_ids) select, useRef(id);
  select.execute();
  out.reserve(rows.size());
  for (auto& row : rows) out.push_back(from_row(database_, row));
  return out;
}

std::uint64_t SqlTimerStore::reserve_event_ids(std::uint64_t count) {
  Poco::Int64 n = static_cast<Poco::Int64>(count), last = 0;
  auto session = database_.session();
  WriteTransaction tx(session);
  session << sql_for(session, "UPDATE leases SET epoch = epoch + ? WHERE name = 'ids:timer_event'"),
      use(n), now;
  session << "SELECT epoch FROM leases WHERE name = 'ids:timer_event'", into(last), now;
  tx.commit();
  return static_cast<std::uint64_t>(last - n + 1);
}

}  // namespace warden::host
