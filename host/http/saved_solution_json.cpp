#include "host/http/saved_solution_json.hpp"

#include "host/runtime/iso_time.hpp"

namespace warden::host::http {

Poco::JSON::Object::Ptr saved_solution_json(const SavedSolutions& solutions,
                                            const SavedSolution& solution) {
  Poco::JSON::Object::Ptr json = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  json->set("name", solution.name);
  json->set("plugin", solution.plugin);
  json->set("condition", solutions.masked_condition(solution));
  json->set("description", solution.description);
  json->set("plugin_loaded", solutions.plugin_loaded(solution));
  json->set("updated_time", iso8601(solution.updated_ms));
  return json;
}

}  // namespace warden::host::http
