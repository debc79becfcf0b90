#include "host/queue/outbox_store.hpp"
#include "host/store/database.hpp"
#include "host/store/pg_writer.hpp"
#include "host/store/row_type_handler.hpp"
#include "host/store/sealed_columns.hpp"
#include "host/store/sql_text.hpp"
#include "host/store/work_fence.hpp"
#include "host/store/write_transaction.hpp"
#include "host/tasks/task_store.hpp"

#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Data/Transaction.h>
#include <Poco/Data/TypeHandler.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>

namespace warden::host {
namespace {

/// A task as its table row: only types every connector binds.
struct TaskRow {
  std::string task_id, service, source_name, condition_json, status;
  Poco::Int64 create_ms = 0, start_ms = 0, end_ms = 0;
  std::string messages_json, failure_type, result_json, step, state_json, wait_kind;
  Poco::Int64 wake_ms = 0;
  std::string poll_json, answer_json;
  Poco::Int64 timeout_ms = 0, deadline_ms = 0, generation = 0;
  int skipped = 0;
  std::string action_id, alarm_json;
  int interrupted = 0;
  std::string owner;  ///< the host that runs it (WorkFence::owner)
  std::string worker;

  // The columns, in kColumns' order.
  static constexpr std::size_t kFields = 26;
  template <class Visit>
  void fields(Visit&& visit) {
    visit(task_id), visit(service), visit(source_name), visit(condition_json), visit(status),
        visit(create_ms), visit(start_ms), visit(end_ms), visit(messages_json), visit(failure_type),
        visit(result_json), visit(step), visit(state_json), visit(wait_kind), visit(wake_ms),
        visit(poll_json), visit(answer_json), visit(timeout_ms), visit(deadline_ms),
        visit(generation), visit(skipped), visit(action_id), visit(alarm_json), visit(interrupted),
        visit(owner), visit(worker);
  }
};

constexpr const char* kColumns =
    "task_id, service, source_name, condition_json, status, create_ms, start_ms, end_ms, "
    "messages_json, failure_type, result_json, step, state_json, wait_kind, wake_ms, poll_json, "
    "answer_json, timeout_ms, deadline_ms, generation, skipped, action_id, alarm_json, "
    "interrupted, owner, worker";

std::string messages_to_json(const std::map<std::string, std::string>& messages) {
  Poco::JSON::Object object;
  for (const auto& [status, text] : messages) object.set(status, text);
  std::ostringstream out;
  object.stringify(out);
  return out.str();
}

std::map<std::string, std::string> messages_from_json(const std::string& text) {
  std::map<std::string, std::string> out;
  if (text.empty()) return out;
  auto object = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
  for (const auto& name : object->getNames()) {
    if (!object->isNull(name)) out[name] = object->getValue<std::string>(name);
  }
  return out;
}

TaskRow to_row(const Database& db, const TaskRecord& r) {
  return {r.task_id,
          r.service,
          r.source_name,
          db.seal(r.condition, sealed_column::kTaskCondition),
          std::string(to_string(r.status)),
          r.create_ms,
          r.start_ms,
          r.end_ms,
          messages_to_json(r.messages),
          r.failure_type,
          r.result,
          r.step,
          r.state,
          std::string(to_string(r.wait)),
          r.wake_ms,
          r.poll,
          r.answer,
          r.timeout_ms,
          r.deadline_ms,
          r.generation,
          r.skipped ? 1 : 0,
          r.action_id,
          r.alarm,
          r.interrupted,
          db.fence().owner(),
          r.worker};
}

TaskRecord from_row(const Database& db, const TaskRow& row) {
  TaskRecord r;
  r.task_id = row.task_id;
  r.service = row.service;
  r.source_name = row.source_name;
  r.condition = db.open(row.condition_json, sealed_column::kTaskCondition);
  r.status = parse_task_status(row.status).value_or(TaskStatus::failed);
  r.create_ms = row.create_ms;
  r.start_ms = row.start_ms;
  r.end_ms = row.end_ms;
  r.messages = messages_from_json(row.messages_json);
  r.failure_type = row.failure_type;
  r.result = row.result_json;
  r.step = row.step;
  r.state = row.state_json;
  r.wait = parse_task_wait(row.wait_kind);
  r.wake_ms = row.wake_ms;
  r.poll = row.poll_json;
  r.answer = row.answer_json;
  r.timeout_ms = row.timeout_ms;
  r.deadline_ms = row.deadline_ms;
  r.generation = row.generation;
  r.skipped = row.skipped != 0;
  r.action_id = row.action_id;
  r.alarm = row.alarm_json;
  r.interrupted = row.interrupted;
  r.worker = row.worker;
  return r;
}

std::vector<TaskRecord> from_rows(const Database& db, const std::vector<TaskRow>& rows) {
  std::vector<TaskRecord> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back(from_row(db, row));
  return out;
}

}  // namespace
}  // namespace warden::host

namespace Poco::Data {
template <>
class TypeHandler<warden::host::TaskRow>
    : public warden::host::RowTypeHandler<warden::host::TaskRow> {};
}  // namespace Poco::Data

namespace warden::host {

using namespace Poco::Data::Keywords;

SqlTaskStore::SqlTaskStore(Database& database)
    : database_(database),
      pg_(database.postgresql() ? std::make_unique<PgWriterSlot>() : nullptr) {}

SqlTaskStore::~SqlTaskStore() = default;

void SqlTaskStore::write(const std::vector<TaskRecord>& records) {
  if (records.empty()) return;
  std::vector<TaskRow> rows;
  rows.reserve(records.size());
  std::vector<OutboxMessage> outbox;  // committed with the rows they announce
  for (const auto& r : records) {
    rows.push_back(to_row(database_, r));
    if (r.outbox) outbox.push_back(*r.outbox);
  }
  static const std::string sql =
      std::string("INSERT INTO tasks (") + kColumns +
      ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (task_id) DO UPDATE SET service = excluded.service, "
      "source_name = excluded.source_name, condition_json = excluded.condition_json, "
      "status = excluded.status, create_ms = excluded.create_ms, start_ms = excluded.start_ms, "
      "end_ms = excluded.end_ms, messages_json = excluded.messages_json, "
      "failure_type = excluded.failure_type, result_json = excluded.result_json, "
      "step = excluded.step, state_json = excluded.state_json, wait_kind = excluded.wait_kind, "
      "wake_ms = excluded.wake_ms, poll_json = excluded.poll_json, "
      "answer_json = excluded.answer_json, timeout_ms = excluded.timeout_ms, "
      "deadline_ms = excluded.deadline_ms, generation = excluded.generation, "
      "skipped = excluded.skipped, action_id = excluded.action_id, "
      "alarm_json = excluded.alarm_json, interrupted = excluded.interrupted, "
      "owner = excluded.owner, worker = excluded.worker";
  if (pg_) {
    // Poco's PostgreSQL connector binds and waits row by row; libpq pipelines the batch.
    pg_->with(database_, [&](PgWriter& writer) {
      PgWriter::Transaction tx(writer);
      database_.fence().check(writer);
      for (auto& row : rows) writer.run_row(sql, row);
      OutboxStore::append(database_, writer, outbox);
      tx.commit();
    });
    return;
  }
  auto session = database_.session();
  Poco::Data::Transaction tx(session);
  database_.fence().check(session);
  session << sql_for(session, sql), use(rows), now;
  OutboxStore::append(database_, session, outbox);
  tx.commit();
}

std::optional<TaskRecord> SqlTaskStore::find(const std::string& task_id) {
  auto found = find_many({task_id});
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::vector<TaskRecord> SqlTaskStore::find_many(const std::vector<std::string>& task_ids) {
  if (task_ids.empty()) return {};
  std::string sql = std::string("SELECT ") + kColumns + " FROM tasks WHERE task_id IN (";
  for (std::size_t i = 0; i < task_ids.size(); ++i) sql += i ? ", ?" : "?";
  sql += ")";
  auto session = database_.session();
  std::vector<TaskRow> rows;
  Poco::Data::Statement select(session);
  select << sql_for(session, sql), into(rows);
  for (const auto& id : task_ids) select, useRef(id);
  select.execute();
  return from_rows(database_, rows);
}

TaskPage SqlTaskStore::list(const TaskQuery& query) {
  std::string where;
  std::vector<std::string> params;
  if (query.task_id) {
    where += " WHERE task_id = ?";
    params.push_back(*query.task_id);
  }
  if (query.service) {
    where += where.empty() ? " WHERE service = ?" : " AND service = ?";
    params.push_back(*query.service);
  }
  if (query.status) {
    where += where.empty() ? " WHERE status = ?" : " AND status = ?";
    params.emplace_back(to_string(*query.status));
  }
  auto session = database_.session();
  TaskPage page;
  {
    Poco::Data::Statement count(session);
    count << sql_for(session, "SELECT COUNT(*) FROM tasks" + where), into(page.total);
    for (const auto& p : params) count, useRef(p);
    count.execute();
  }
  Poco::Int64 limit = query.page_size;
  Poco::Int64 offset = static_cast<Poco::Int64>(query.page - 1) * query.page_size;
  std::vector<TaskRow> rows;
  Poco::Data::Statement select(session);
  select << sql_for(session, std::string("SELECT ") + kColumns + " FROM tasks" + where +
                                 " ORDER BY create_ms DESC, task_id DESC LIMIT ? OFFSET ?"),
      into(rows);
  for (const auto& p : params) select, useRef(p);
  select, use(limit), use(offset);
  select.execute();
  page.tasks = from_rows(database_, rows);
  return page;
}

std::vector<TaskRecord> SqlTaskStore::unfinished() {
  auto session = database_.session();
  std::vector<TaskRow> rows;
  const auto owner = database_.fence().owner();
  session << sql_for(session, std::string("SELECT ") + kColumns +
                                  " FROM tasks WHERE owner = ? AND status IN ('waiting', "
                                  "'running') ORDER BY create_ms, task_id"),
      useRef(owner), into(rows), now;
  return from_rows(database_, rows);
}

std::vector<TaskRecord> SqlTaskStore::claim(std::size_t limit, bool with_actions) {
  const auto me = database_.fence().owner();
  const std::string made_by = with_actions ? "" : " AND action_id = ''";
  std::vector<std::string> ids;
  {
    auto session = database_.session();
    WriteTransaction tx(session);
    database_.fence().check(session);
    for_each_gone_host(session, me, [&](const std::string& owner) {
      Poco::Int64 n = static_cast<Poco::Int64>(limit - ids.size());
      std::vector<std::string> batch;
      session << sql_for(session,
                         "SELECT task_id FROM tasks WHERE owner = ? AND status IN ('waiting', "
                         "'running')" +
                             made_by + " ORDER BY create_ms LIMIT ?" + skip_locked(session)),
          useRef(owner), use(n), into(batch), now;
      if (!batch.empty()) {
        std::string sql = "UPDATE tasks SET owner = ? WHERE task_id IN (";
        for (std::size_t i = 0; i < batch.size(); ++i) sql += i ? ", ?" : "?";
        Poco::Data::Statement update(session);
        update << sql_for(session, sql + ")"), useRef(me);
        for (const auto& id : batch) update, useRef(id);
        update.execute();
        // Their timer events move with them, in the same transaction: a task and its events
        // live on one host (the events hear the task's runs begin and end).
        std::string events =
            "UPDATE timers SET owner = ? WHERE owner = ? AND kind = 'event' AND node_id IN (";
        for (std::size_t i = 0; i < batch.size(); ++i) events += i ? ", ?" : "?";
        Poco::Data::Statement move(session);
        move << sql_for(session, events + ")"), useRef(me), useRef(owner);
        for (const auto& id : batch) move, useRef(id);
        move.execute();
      }
      ids.insert(ids.end(), batch.begin(), batch.end());
      return ids.size() < limit;
    });
    tx.commit();
  }
  return find_many(ids);
}

}  // namespace warden::host
