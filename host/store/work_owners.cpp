#include "host/store/work_owners.hpp"

#include "host/store/sql_text.hpp"

#include <Poco/Data/Statement.h>

using namespace Poco::Data::Keywords;

namespace warden::host {

std::optional<std::string> WorkOwners::live_address(const std::string& table,
                                                    const std::string& where,
                                                    const std::string& value) {
  auto s = database_.session();
  std::vector<std::string> addresses;
  std::string id = value, self = self_id_;
  s << sql_for(s, "SELECT h.address FROM " + table +
                      " w JOIN leases l ON l.name = 'host:' || w.owner JOIN hosts h ON "
                      "h.host_id = w.owner WHERE " +
                      where + " = ? AND w.owner <> ? AND l.holder = w.owner AND l.expires_ms >= " +
                      sql_clock_ms(s) + " AND h.address <> ''"),
      use(id), use(self), into(addresses), now;
  if (addresses.empty()) return std::nullopt;
  return addresses.front();
}

std::optional<std::string> WorkOwners::of_task(const std::string& task_id) {
  return live_address("tasks", "w.task_id", task_id);
}

std::optional<std::string> WorkOwners::of_timer_event(const std::string& event_id) {
  return live_address("timers", "w.kind = 'event' AND w.id", event_id);
}

std::optional<std::string> WorkOwners::coordinator() {
  auto s = database_.session();
  std::vector<std::string> addresses;
  std::string self = self_id_;
  s << sql_for(s,
               "SELECT h.address FROM leases w JOIN hosts h ON h.host_id = w.holder WHERE "
               "w.name = 'work' AND w.holder <> ? AND w.expires_ms >= " +
                   sql_clock_ms(s) + " AND h.address <> ''"),
      use(self), into(addresses), now;
  if (addresses.empty()) return std::nullopt;
  return addresses.front();
}

}  // namespace warden::host
