#include "host/http/notice_json.hpp"

#include "host/runtime/iso_time.hpp"
#include "host/http/json.hpp"

#include <Poco/JSON/Parser.h>

namespace warden::host::http {
namespace {

Poco::Dynamic::Var time_or_null(std::int64_t ms) {
  if (ms <= 0) return Poco::Dynamic::Var();
  return iso8601(ms);
}

}  // namespace

Poco::JSON::Object::Ptr notice_json(const Notice& n) {
  auto o = object();
  o->set("notice_id", n.notice_id);
  o->set("channel", n.channel_name);
  o->set("plugin", n.channel);
  o->set("origin", n.origin);
  o->set("status", n.status);
  o->set("dedupe_key", n.dedupe_key);
  o->set("aggregated", n.aggregated);
  o->set("attempts", n.attempts);
  const bool pending = !notice_status::ended(n.status);
  o->set("next_attempt_time", pending ? time_or_null(n.next_ms) : Poco::Dynamic::Var());
  o->set("create_time", time_or_null(n.create_ms));
  o->set("update_time", time_or_null(n.update_ms));
  o->set("end_time", time_or_null(n.end_ms));
  o->set("http_status", n.http_status);
  o->set("error", n.error);
  o->set("detail", n.detail);
  o->set("template_error", n.template_error);
  o->set("blocked_by",
         n.blocked_by.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(n.blocked_by));
  o->set("alert", Poco::JSON::Parser().parse(n.alert_json));
  return o;
}

}  // namespace warden::host::http
