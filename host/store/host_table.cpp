#include "host/store/host_table.hpp"

#include "host/store/sql_text.hpp"
#include "host/store/write_transaction.hpp"

#include <Poco/Data/Statement.h>

using namespace Poco::Data::Keywords;

namespace warden::host {

namespace {

/// `text` with every {now} replaced by the clock expression, and its parameters numbered.
std::string sql_now(const Poco::Data::Session& session, std::string text) {
  const std::string clock = sql_clock_ms(session);
  for (auto at = text.find("{now}"); at != std::string::npos; at = text.find("{now}", at))
    text.replace(at, 5, clock);
  return sql_for(session, text);
}

/// Fencing another host waits for its write that passed the check; one paused in the middle of
/// that write holds the lock until the server ends its transaction (idle_in_transaction, see
/// work_fence.cpp). Meanwhile the fencing gives up after a second and is tried again, so the
/// thread that renews this host's own lease never waits that long; and a host paused in the
/// middle of this transaction holds the leases' locks no longer than a work transaction would.
void bounded_lock_wait(Poco::Data::Session& session) {
  if (session.connector() != "postgresql") return;
  session << "SET LOCAL lock_timeout = 1000", now;
  session << "SET LOCAL idle_in_transaction_session_timeout = 5000", now;
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

std::int64_t HostTable::take_host(const std::string& host_id, std::int64_t ttl_ms) {
  std::string lease = "host:" + host_id, id = host_id;
  Poco::Int64 ttl = ttl_ms, epoch = 0;
  auto s = database_.session();
  WriteTransaction tx(s);
  s << sql_for(s,
               "INSERT INTO leases (name, holder, epoch, expires_ms) VALUES (?, '', 0, 0) "
               "ON CONFLICT (name) DO NOTHING"),
      use(lease), now;
  s << sql_now(s,
               "UPDATE leases SET epoch = epoch + 1, holder = ?, expires_ms = {now} + ? WHERE "
               "name = ?"),
      use(id), use(ttl), use(lease), now;
  s << sql_for(s, "SELECT epoch FROM leases WHERE name = ?"), use(lease), into(epoch), now;
  tx.commit();
  return epoch;
}

std::optional<std::int64_t> HostTable::take_work(const std::string& host_id, std::int64_t ttl_ms) {
  std::string id = host_id, holder;
  Poco::Int64 ttl = ttl_ms, epoch = 0, expires = 0, clock = 0;
  auto s = database_.session();
  WriteTransaction tx(s);
  bounded_lock_wait(s);
  s << sql_now(s, "SELECT holder, epoch, expires_ms, {now} FROM leases WHERE name = 'work'"),
      into(holder), into(epoch), into(expires), into(clock), now;
  if (!holder.empty() && holder != id) {
    if (expires >= clock) return std::nullopt;
    // The holder's own lease must have lapsed too, and is fenced here: its writes (notices,
    // actions) fail from now on, before this host reads what it left.
    std::string lease = "host:" + holder;
    s << sql_now(s,
                 "UPDATE leases SET holder = '', epoch = epoch + 1 WHERE name = ? AND holder <> '' "
                 "AND expires_ms < {now}"),
        use(lease), now;
    Poco::Int64 live = 0;
    s << sql_for(s, "SELECT COUNT(*) FROM leases WHERE name = ? AND holder <> ''"), use(lease),
        into(live), now;
    if (live > 0) return std::nullopt;
  }
  Poco::Data::Statement take(s);
  take << sql_now(s,
                  "UPDATE leases SET epoch = epoch + 1, holder = ?, expires_ms = {now} + ? WHERE "
                  "name = 'work' AND epoch = ?"),
      use(id), use(ttl), use(epoch);
  if (take.execute() == 0) return std::nullopt;  // another host took it meanwhile
  tx.commit();
  return epoch + 1;
}

HostTable::Renewed HostTable::renew(const std::string& host_id, std::int64_t host_epoch,
                                    std::int64_t work_epoch, std::int64_t ttl_ms) {
  std::string lease = "host:" + host_id, id = host_id;
  Poco::Int64 host_at = host_epoch, work_at = work_epoch, ttl = ttl_ms;
  Renewed renewed;
  auto s = database_.session();
  WriteTransaction tx(s);
  bounded_lock_wait(s);
  {
    Poco::Data::Statement renew(s);
    renew << sql_now(s,
                     "UPDATE leases SET expires_ms = {now} + ? WHERE name = ? AND holder = ? AND "
                     "epoch = ?"),
        use(ttl), use(lease), use(id), use(host_at);
    renewed.host = renew.execute() > 0;
  }
  if (work_epoch > 0 && renewed.host) {
    Poco::Data::Statement renew(s);
    renew << sql_now(s,
                     "UPDATE leases SET expires_ms = {now} + ? WHERE name = 'work' AND holder = ? "
                     "AND epoch = ?"),
        use(ttl), use(id), use(work_at);
    renewed.work = renew.execute() > 0;
  }
  tx.commit();
  return renewed;
}

void HostTable::release(const std::string& host_id, std::int64_t host_epoch,
                        std::int64_t work_epoch) {
  std::string lease = "host:" + host_id, id = host_id;
  Poco::Int64 host_at = host_epoch, work_at = work_epoch;
  auto s = database_.session();
  WriteTransaction tx(s);
  s << sql_for(s,
               "UPDATE leases SET holder = '', expires_ms = 0 WHERE name = 'work' AND holder = ? "
               "AND epoch = ?"),
      use(id), use(work_at), now;
  s << sql_for(s,
               "UPDATE leases SET holder = '', expires_ms = 0 WHERE name = ? AND holder = ? AND "
               "epoch = ?"),
      use(lease), use(id), use(host_at), now;
  tx.commit();
}

std::vector<std::string> HostTable::fence_lapsed_hosts() {
  std::vector<std::string> names;
  auto s = database_.session();
  WriteTransaction tx(s);
  bounded_lock_wait(s);
  s << sql_now(s,
               "SELECT name FROM leases WHERE name LIKE 'host:%' AND holder <> '' AND "
               "expires_ms < {now}"),
      into(names), now;
  std::vector<std::string> fenced;
  for (auto& name : names) {
    Poco::Data::Statement fence(s);
    fence << sql_now(s,
                     "UPDATE leases SET holder = '', epoch = epoch + 1 WHERE name = ? AND "
                     "holder <> '' AND expires_ms < {now}"),
        use(name);
    if (fence.execute() > 0) fenced.push_back(name.substr(5));
  }
  tx.commit();
  return fenced;
}

std::vector<std::string> HostTable::live_hosts() {
  std::vector<std::string> ids;
  auto s = database_.session();
  s << sql_now(s,
               "SELECT holder FROM leases WHERE name LIKE 'host:%' AND holder <> '' AND "
               "expires_ms >= {now} ORDER BY holder"),
      into(ids), now;
  return ids;
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

std::map<std::string, HostTable::Holdings> HostTable::holdings() {
  std::map<std::string, Holdings> out;
  std::vector<std::string> owners;
  std::vector<Poco::Int64> counts;
  auto s = database_.session();
  s << "SELECT owner, COUNT(*) FROM tasks WHERE status IN ('waiting', 'running') GROUP BY owner",
      into(owners), into(counts), now;
  for (std::size_t i = 0; i < owners.size(); ++i) out[owners[i]].tasks = counts[i];
  owners.clear();
  counts.clear();
  s << "SELECT owner, COUNT(*) FROM timers WHERE state IN ('pending', 'armed') GROUP BY owner",
      into(owners), into(counts), now;
  for (std::size_t i = 0; i < owners.size(); ++i) out[owners[i]].timers = counts[i];
  return out;
}

}  // namespace warden::host
