#include "host/http/host_routes.hpp"

#include "host/runtime/iso_time.hpp"

#include <Poco/JSON/Array.h>

namespace warden::host::http {

void add_host_routes(Router& router, HostTable& hosts, std::string self_id, std::int64_t ttl_ms) {
  router.add("GET", "/api/hosts", [&hosts, self_id, ttl_ms](const Request&) {
    const auto lease = hosts.work_lease();
    const auto holdings = hosts.holdings();
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& h : hosts.list()) {
      auto o = object();
      o->set("host_id", h.host_id);
      o->set("address", h.address);
      o->set("pid", h.pid);
      o->set("started", iso8601(h.started_ms));
      o->set("heartbeat", iso8601(h.heartbeat_ms));
      o->set("heartbeat_age_ms", h.age_ms);
      o->set("alive", h.age_ms < ttl_ms);
      o->set("role", h.role);
      Poco::JSON::Array::Ptr holds = new Poco::JSON::Array;
      if (lease.holder == h.host_id && lease.expires_ms > lease.now_ms) holds->add("work");
      o->set("holds", holds);
      const auto held = holdings.find(h.host_id);
      o->set("tasks", held == holdings.end() ? 0 : held->second.tasks);
      o->set("timers", held == holdings.end() ? 0 : held->second.timers);
      o->set("self", h.host_id == self_id);
      list->add(o);
    }
    auto body = object();
    body->set("result", "ok");
    body->set("data", list);
    auto work = object();
    work->set("holder", lease.holder);
    work->set("epoch", lease.epoch);
    work->set("expires_in_ms", lease.expires_ms - lease.now_ms);
    body->set("work_lease", work);
    return Response::json(body);
  });
}

}  // namespace warden::host::http
