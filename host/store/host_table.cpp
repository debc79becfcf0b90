#include "host/store/host_table.hpp"

#include "host/store/sql_text.hpp"
#include "host/store/write_transaction.hpp"

#include <Poco/Data/Statement.h>

using namespace Poco::Data::Keywords;

namespace warden::host {

namespace {

/// The database's clock in ms, as an SQL expression of `session`'s dialect.
std::string now_ms(const Poco::Data::Session& session) {
  if (session.connector() == "postgresql")
    return "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)";
  return "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";
}

/// `text` with every {now} replaced by the clock expression, and its parameters numbered.
std::string sql_now(const Poco::Data::Session& session, std::string text) {
  const std::string clock = now_ms(session);
  for (auto at = text.find("{now}"); at != std::string::npos; at = text.find("{now}", at))
    text.replace(at, 5, clock);
  return sql_for(session, text);
}

}  // namespace

void HostTable::register_host(const std::string& host_id, const std::string& address,
                              std::int64_t pid, const std::string& role) {
  std::string id = host_id, where = address, r = role;
  Poco::Int64 process = pid;
  auto s = database_.session();
  s << sql_now(s,
               "INSERT INTO hosts (host_id, address, pid, started_ms, heartbeat_ms, role) VALUES "
               "(?, ?, ?, {now}, {now}, ?) ON CONFLICT (host_id) DO UPDATE SET address = "
               "excluded.address, pid = excluded.pid, started_ms = excluded.started_ms, "
               "heartbeat_ms = excluded.heartbeat_ms, role = excluded.role"),
      use(id), use(where), use(process), use(r), now;
}

bool HostTable::heartbeat(const std::string& host_id, const std::string& role) {
  std::string id = host_id, r = role;
  auto s = database_.session();
  Poco::Data::Statement statement(s);
  statement << sql_now(s, "UPDATE hosts SET heartbeat_ms = {now}, role = ? WHERE host_id = ?"),
      use(r), use(id);
  return statement.execute() > 0;
}

void HostTable::set_address(const std::string& host_id, const std::string& address) {
  std::string id = host_id, where = address;
  auto s = database_.session();
  s << sql_for(s, "UPDATE hosts SET address = ? WHERE host_id = ?"), use(where), use(id), now;
}

void HostTable::remove_host(const std::string& host_id) {
  std::string id = host_id;
  auto s = database_.session();
  s << sql_for(s, "DELETE FROM hosts WHERE host_id = ?"), use(id), now;
}

std::vector<HostRow> HostTable::list() {
  std::vector<std::string> ids, addresses, roles;
  std::vector<Poco::Int64> pids, started, beats, ages;
  auto s = database_.session();
  s << sql_now(s,
               "SELECT host_id, address, pid, started_ms, heartbeat_ms, role, "
               "{now} - heartbeat_ms FROM hosts ORDER BY started_ms, host_id"),
      into(ids), into(addresses), into(pids), into(started), into(beats), into(roles), into(ages),
      now;
  std::vector<HostRow> rows(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i)
    rows[i] = {std::move(ids[i]), std::move(addresses[i]), pids[i], started[i],
               beats[i],          std::move(roles[i]),     ages[i]};
  return rows;
}

std::optional<std::int64_t> HostTable::take_work(const std::string& host_id, std::int64_t ttl_ms) {
  std::string id = host_id;
  Poco::Int64 ttl = ttl_ms;
  auto s = database_.session();
  WriteTransaction tx(s);
  Poco::Data::Statement take(s);
  take << sql_now(s,
                  "UPDATE leases SET epoch = epoch + 1, "
                  "holder = ?, expires_ms = {now} + ? WHERE name = 'work' AND (holder = ? OR "
                  "holder = '' OR expires_ms < {now})"),
      use(id), use(ttl), use(id);
  const bool taken = take.execute() > 0;
  Poco::Int64 epoch = 0;
  if (taken) s << "SELECT epoch FROM leases WHERE name = 'work'", into(epoch), now;
  tx.commit();
  if (!taken) return std::nullopt;
  return epoch;
}

bool HostTable::renew_work(const std::string& host_id, std::int64_t epoch, std::int64_t ttl_ms) {
  std::string id = host_id;
  Poco::Int64 at = epoch, ttl = ttl_ms;
  auto s = database_.session();
  Poco::Data::Statement renew(s);
  renew << sql_now(s,
                   "UPDATE leases SET expires_ms = {now} + ? WHERE name = 'work' AND holder = ? "
                   "AND epoch = ?"),
      use(ttl), use(id), use(at);
  return renew.execute() > 0;
}

void HostTable::release_work(const std::string& host_id, std::int64_t epoch) {
  std::string id = host_id;
  Poco::Int64 at = epoch;
  auto s = database_.session();
  s << sql_for(s,
               "UPDATE leases SET holder = '', expires_ms = 0 WHERE name = 'work' AND holder = ? "
               "AND epoch = ?"),
      use(id), use(at), now;
}

WorkLease HostTable::work_lease() {
  WorkLease lease;
  Poco::Int64 epoch = 0, expires = 0, clock = 0;
  auto s = database_.session();
  s << sql_now(s, "SELECT holder, epoch, expires_ms, {now} FROM leases WHERE name = 'work'"),
      into(lease.holder), into(epoch), into(expires), into(clock), now;
  lease.epoch = epoch;
  lease.expires_ms = expires;
  lease.now_ms = clock;
  return lease;
}

}  // namespace warden::host
