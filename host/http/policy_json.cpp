#include "host/http/policy_json.hpp"

#include "host/runtime/iso_time.hpp"

namespace warden::host::http {

Poco::JSON::Object::Ptr policy_json(const StoredPolicy& stored) {
  auto json = policy_to_json(*stored.policy);
  json->set("updated_time", iso8601(stored.updated_ms));
  return json;
}

}  // namespace warden::host::http
