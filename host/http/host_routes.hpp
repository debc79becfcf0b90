#pragma once

#include "host/http/router.hpp"
#include "host/store/host_table.hpp"

#include <string>

namespace warden::host::http {

/// GET /api/hosts: every host registered on this database, oldest first — its id, address, pid,
/// start, last heartbeat (and its age on the database's clock), role, whether it is alive (a
/// heartbeat within `ttl_ms`), what it holds, and which one answered.
void add_host_routes(Router& router, HostTable& hosts, std::string self_id, std::int64_t ttl_ms);

}  // namespace warden::host::http
