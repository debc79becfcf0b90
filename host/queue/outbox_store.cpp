#include "host/queue/outbox_store.hpp"

#include "host/store/database.hpp"
#include "host/store/pg_writer.hpp"
#include "host/store/sealed_columns.hpp"
#include "host/store/sql_text.hpp"
#include "host/store/work_fence.hpp"
#include "host/store/write_transaction.hpp"

#include <Poco/Data/Statement.h>
#include <Poco/Data/Transaction.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Tuple.h>

#include <cstdint>
#include <sstream>

using namespace Poco::Data::Keywords;

namespace warden::host {
namespace {

constexpr const char* kInsert =
    "INSERT INTO outbox (id, topic, msg_key, payload, headers_json, created_ms, status, attempts, "
    "next_ms, sent_ms, last_error, owner) VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, 0, 0, '', ?)";

std::string headers_to_json(const std::vector<std::pair<std::string, std::string>>& headers) {
  Poco::JSON::Array array;
  for (const auto& [name, value] : headers) {
    Poco::JSON::Array pair;
    pair.add(name);
    pair.add(value);
    array.add(pair);
  }
  std::ostringstream out;
  array.stringify(out);
  return out.str();
}

std::vector<std::pair<std::string, std::string>> headers_from_json(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  auto array = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Array::Ptr>();
  for (unsigned i = 0; i < array->size(); ++i) {
    auto pair = array->getArray(i);
    out.emplace_back(pair->getElement<std::string>(0), pair->getElement<std::string>(1));
  }
  return out;
}

/// A message as its row's bound values.
struct Row {
  std::string id, topic, key, payload, headers;
  Poco::Int64 created_ms;
  std::string owner;
};

Row row_of(const Database& database, const OutboxMessage& m) {
  return {m.id,
          m.topic,
          m.key,
          database.seal(m.payload, sealed_column::kOutboxPayload),
          headers_to_json(m.headers),
          m.created_ms,
          database.fence().owner()};
}

std::string in_list(std::size_t n) {
  std::string out = "(";
  for (std::size_t i = 0; i < n; ++i) out += i ? ", ?" : "?";
  return out + ")";
}

}  // namespace

OutboxStore::OutboxStore(Database& database) : database_(database) {}
OutboxStore::~OutboxStore() = default;

void OutboxStore::append(const Database& database, Poco::Data::Session& session,
                         const std::vector<OutboxMessage>& messages) {
  const auto sql = sql_for(session, kInsert);
  for (const auto& m : messages) {
    auto r = row_of(database, m);
    session << sql, use(r.id), use(r.topic), use(r.key), use(r.payload), use(r.headers),
        use(r.created_ms), use(r.owner), now;
  }
}

void OutboxStore::append(const Database& database, PgWriter& writer,
                         const std::vector<OutboxMessage>& messages) {
  for (const auto& m : messages) {
    auto r = row_of(database, m);
    writer.run(kInsert, r.id, r.topic, r.key, r.payload, r.headers,
               static_cast<std::int64_t>(r.created_ms), r.owner);
  }
}

void OutboxStore::append(const std::vector<OutboxMessage>& messages) {
  if (messages.empty()) return;
  auto session = database_.session();
  Poco::Data::Transaction tx(session);
  append(database_, session, messages);
  tx.commit();
}

std::vector<OutboxMessage> OutboxStore::due(std::int64_t now_ms, std::size_t limit,
                                            std::int64_t made_by_ms) {
  using Fields = Poco::Tuple<std::string, std::string, std::string, std::string, std::string,
                             Poco::Int64, int>;
  std::vector<Fields> rows;
  auto session = database_.session();
  const auto owner = database_.fence().owner();
  Poco::Int64 now = now_ms, made_by = made_by_ms, n = static_cast<Poco::Int64>(limit);
  session << sql_for(session,
                     "SELECT id, topic, msg_key, payload, headers_json, created_ms, attempts "
                     "FROM outbox WHERE owner = ? AND status = 'pending' AND next_ms <= ? "
                     "AND created_ms <= ? ORDER BY id LIMIT ?"),
      useRef(owner), use(now), use(made_by), use(n), into(rows), Poco::Data::Keywords::now;
  std::vector<OutboxMessage> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    OutboxMessage m;
    m.id = r.get<0>();
    m.topic = r.get<1>();
    m.key = r.get<2>();
    m.payload = database_.open(r.get<3>(), sealed_column::kOutboxPayload);
    m.headers = headers_from_json(r.get<4>());
    m.created_ms = r.get<5>();
    m.attempts = r.get<6>();
    out.push_back(std::move(m));
  }
  return out;
}

void OutboxStore::mark_sent(const std::vector<std::string>& ids, std::int64_t now_ms) {
  if (ids.empty()) return;
  auto session = database_.session();
  Poco::Data::Transaction tx(session);
  Poco::Int64 now = now_ms;
  // In slices: a statement's parameters are bounded (SQLite: 32766).
  constexpr std::size_t kSlice = 500;
  for (std::size_t start = 0; start < ids.size(); start += kSlice) {
    const auto n = std::min(kSlice, ids.size() - start);
    Poco::Data::Statement update(session);
    update << sql_for(session,
                      "UPDATE outbox SET status = 'sent', sent_ms = ?, attempts = "
                      "attempts + 1 WHERE id IN " +
                          in_list(n)),
        use(now);
    for (std::size_t i = start; i < start + n; ++i) update, useRef(ids[i]);
    update.execute();
  }
  tx.commit();
}

void OutboxStore::mark_retry(const std::string& id, int attempts, std::int64_t next_ms,
                             const std::string& error) {
  auto session = database_.session();
  Poco::Int64 next = next_ms;
  auto text = error.substr(0, 1000);
  session << sql_for(session,
                     "UPDATE outbox SET attempts = ?, next_ms = ?, last_error = ? "
                     "WHERE id = ? AND status = 'pending'"),
      use(attempts), use(next), useRef(text), useRef(id), now;
}

void OutboxStore::mark_failed(const std::string& id, int attempts, const std::string& error) {
  auto session = database_.session();
  auto text = error.substr(0, 1000);
  session << sql_for(session,
                     "UPDATE outbox SET status = 'failed', attempts = ?, last_error = ? "
                     "WHERE id = ? AND status = 'pending'"),
      use(attempts), useRef(text), useRef(id), now;
}

std::size_t OutboxStore::claim_gone_hosts() {
  const auto me = database_.fence().owner();
  std::size_t claimed = 0;
  auto session = database_.session();
  WriteTransaction tx(session);
  for_each_gone_host(session, me, [&](const std::string& owner) {
    Poco::Data::Statement update(session);
    update << sql_for(session,
                      "UPDATE outbox SET owner = ? WHERE owner = ? AND status = 'pending'"),
        useRef(me), useRef(owner);
    claimed += update.execute();
    return true;
  });
  tx.commit();
  return claimed;
}

std::size_t OutboxStore::prune_sent(std::int64_t before_ms) {
  auto session = database_.session();
  Poco::Int64 before = before_ms;
  Poco::Data::Statement del(session);
  del << sql_for(session, "DELETE FROM outbox WHERE status = 'sent' AND sent_ms < ?"), use(before);
  return del.execute();
}

OutboxCounts OutboxStore::counts() {
  OutboxCounts c;
  auto session = database_.session();
  Poco::Int64 pending = 0, failed = 0;
  Poco::Int64 oldest = 0;
  session << "SELECT COUNT(*) FROM outbox WHERE status = 'pending'", into(pending), now;
  session << "SELECT COUNT(*) FROM outbox WHERE status = 'failed'", into(failed), now;
  session << "SELECT COALESCE(MIN(created_ms), 0) FROM outbox WHERE status = 'pending'",
      into(oldest), now;
  c.pending = pending;
  c.failed = failed;
  c.oldest_pending_ms = oldest;
  return c;
}

}  // namespace warden::host
