#include "host/http/alert_record_json.hpp"

#include "host/http/body_fields.hpp"
#include "host/http/json.hpp"

namespace warden::host::http {

Poco::JSON::Object::Ptr alert_record_json(const AlertRecord& record) {
  auto o = object();
  o->set("id", record.id);
  o->set("fingerprint", record.fingerprint);
  o->set("state", record.state);
  o->set("count", record.count);
  o->set("first_seen", time_or_null(record.first_ms));
  o->set("last_seen", time_or_null(record.last_ms));
  o->set("recovered_at", time_or_null(record.recovered_ms));
  o->set("closed_at", time_or_null(record.closed_ms));
  o->set("closed_by", record.closed_by);
  o->set("close_reason", record.close_reason);
  o->set("origin", record.origin);
  o->set("alert", record.alert.to_json());
  return o;
}

}  // namespace warden::host::http
