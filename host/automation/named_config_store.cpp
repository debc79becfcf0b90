#include "host/automation/named_config_store.hpp"
#include "host/store/sql_text.hpp"

#include "host/store/database.hpp"
#include "host/store/sealed_columns.hpp"

#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>

using namespace Poco::Data::Keywords;

namespace warden::host {

std::vector<NamedConfig> NamedConfigStore::list() const {
  std::string collection = collection_;
  std::vector<std::string> names, bodies;
  std::vector<Poco::Int64> updated;
  auto s = database_.session();
  s << sql_for(
      s, "SELECT name, body, updated_ms FROM named_configs WHERE collection = ? ORDER BY name"),
      use(collection), into(names), into(bodies), into(updated), now;
  std::vector<NamedConfig> out;
  out.reserve(names.size());
  for (std::size_t i = 0; i < names.size(); ++i)
    out.push_back({std::move(names[i]), database_.open(bodies[i], sealed_column::kNamedConfigBody),
                   updated[i]});
  return out;
}

void NamedConfigStore::put(const NamedConfig& config) {
  std::string collection = collection_, name = config.name,
              body = database_.seal(config.body, sealed_column::kNamedConfigBody);
  Poco::Int64 updated = config.updated_ms;
  auto s = database_.session();
  s << sql_for(s,
               "INSERT INTO named_configs (collection, name, body, updated_ms) VALUES (?, ?, ?, ?) "
               "ON CONFLICT (collection, name) DO UPDATE SET body = excluded.body, "
               "updated_ms = excluded.updated_ms"),
      use(collection), use(name), use(body), use(updated), now;
}

bool NamedConfigStore::remove(const std::string& name) {
  std::string collection = collection_, key = name;
  auto s = database_.session();
  Poco::Data::Statement statement(s);
  statement << sql_for(s, "DELETE FROM named_configs WHERE collection = ? AND name = ?"),
      use(collection), use(key);
  return statement.execute() > 0;
}

}  // namespace warden::host
