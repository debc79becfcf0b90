#include "host/store/work_fence.hpp"

#include "host/store/pg_writer.hpp"
#include "host/store/sql_text.hpp"

#include <Poco/Data/Statement.h>

using namespace Poco::Data::Keywords;

namespace warden::host {

namespace {

// Fails with PostgreSQL's "invalid input syntax for type integer: "this host lost the work
// lease"" when the row is not (holder, epoch): an error is what aborts a pipelined transaction.
// The text is chosen by the count, so the planner cannot fold the cast into an error up front.
constexpr const char* kCheck =
    "SELECT CAST(CASE WHEN COUNT(*) = 1 THEN '1' ELSE 'this host lost the work lease' END AS "
    "INTEGER) FROM (SELECT 1 FROM leases WHERE name = ? AND holder = ? AND epoch = ? FOR SHARE) "
    "AS held";

// A transaction left open this long is ended by the server: a host paused (or hung) in the middle
// of one would otherwise hold its lease row's share lock, and no other host could fence it and
// take its work over. Every work transaction runs its statements back to back.
constexpr const char* kIdleLimit = "SET LOCAL idle_in_transaction_session_timeout = 5000";

}  // namespace

void WorkFence::hold(std::string host_id, std::int64_t epoch) {
  std::lock_guard lock(mutex_);
  held_ = Held{"host:" + host_id, std::move(host_id), epoch};
}

std::string WorkFence::owner() const {
  auto h = held();
  return h ? h->host_id : std::string();
}

void WorkFence::release() {
  std::lock_guard lock(mutex_);
  held_.reset();
}

std::optional<WorkFence::Held> WorkFence::held() const {
  std::lock_guard lock(mutex_);
  return held_;
}

void WorkFence::check(Poco::Data::Session& session) const {
  auto h = held();
  if (!h || session.connector() != "postgresql") return;
  session << kIdleLimit, now;
  Poco::Int64 epoch = h->epoch;
  int ok = 0;
  session << sql_for(session, kCheck), use(h->lease), use(h->host_id), use(epoch), into(ok), now;
}

void WorkFence::check(PgWriter& writer) const {
  if (auto h = held()) {
    writer.run(kIdleLimit);
    writer.run(kCheck, h->lease, h->host_id, h->epoch);
  }
}

void for_each_gone_host(Poco::Data::Session& session, const std::string& self_id,
                        const std::function<bool(const std::string& owner)>& claim) {
  const bool pg = session.connector() == "postgresql";
  std::vector<std::string> names;
  std::string self = "host:" + self_id;
  session << sql_for(session,
                     "SELECT name FROM leases WHERE name LIKE 'host:%' AND holder = '' AND name "
                     "<> ? ORDER BY name"),
      use(self), into(names), now;
  for (auto& name : names) {
    Poco::Int64 released = 0;
    session << sql_for(session, std::string("SELECT COUNT(*) FROM (SELECT 1 FROM leases WHERE "
                                            "name = ? AND holder = ''") +
                                    (pg ? " FOR SHARE" : "") + ") AS l"),
        use(name), into(released), now;
    if (released > 0 && !claim(name.substr(5))) return;
  }
}

std::string skip_locked(const Poco::Data::Session& session) {
  return session.connector() == "postgresql" ? " FOR UPDATE SKIP LOCKED" : "";
}

}  // namespace warden::host
