#include "host/http/json.hpp"

#include <warden/json_value.hpp>

namespace warden::host::http {

Poco::JSON::Object::Ptr object() {
  return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
}

Poco::JSON::Object::Ptr ok() {
  auto body = object();
  body->set("result", "ok");
  return body;
}

Poco::JSON::Object::Ptr ok(const Poco::JSON::Object& fields) {
  auto body = ok();
  for (const auto& name : fields.getNames()) {
    if (name != "result") body->set(name, fields.get(name));
  }
  return body;
}

Poco::JSON::Object::Ptr error_body(const std::string& message,
                                   const Poco::JSON::Object::Ptr& errors) {
  auto body = object();
  body->set("result", "exception");
  body->set("message", message);
  if (errors && errors->size() > 0) body->set("errors", errors);
  return body;
}

Poco::JSON::Object::Ptr error_body(const std::string& message,
                                   const std::map<std::string, std::string>& errors) {
  return error_body(message, string_map_object(errors));
}

Poco::JSON::Object::Ptr string_map_object(const std::map<std::string, std::string>& values) {
  auto out = object();
  for (const auto& [name, value] : values) out->set(name, value);
  return out;
}

Poco::JSON::Array::Ptr string_array(const std::vector<std::string>& values) {
  Poco::JSON::Array::Ptr out = new Poco::JSON::Array;
  for (const auto& value : values) out->add(value);
  return out;
}

std::string stringify(const Poco::Dynamic::Var& value) {
  return compact_json(value);
}

}  // namespace warden::host::http
