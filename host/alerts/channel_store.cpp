#include "host/alerts/channel_store.hpp"
#include "host/store/sql_text.hpp"

#include "host/store/database.hpp"
#include "host/store/sealed_columns.hpp"

#include <warden/json_value.hpp>

#include <Poco/Data/Session.h>
#include <Poco/JSON/Parser.h>

using namespace Poco::Data::Keywords;

namespace warden::host {
namespace {

Poco::JSON::Object::Ptr object_of(const std::string& text) {
  return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

}  // namespace

std::vector<ChannelInstance> ChannelStore::list() const {
  std::vector<std::string> names, channels, configs, deliveries;
  std::vector<int> enabled;
  std::vector<Poco::Int64> created, updated;
  auto s = database_.session();
  s << sql_for(s,
               "SELECT name, channel, enabled, config_json, delivery_json, create_ms, update_ms "
               "FROM channels ORDER BY name"),
      into(names), into(channels), into(enabled), into(configs), into(deliveries), into(created),
      into(updated), now;
  std::vector<ChannelInstance> out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    ChannelInstance c;
    c.name = names[i];
    c.channel = channels[i];
    c.enabled = enabled[i] != 0;
    c.config = object_of(database_.open(configs[i], sealed_column::kChannelConfig));
    std::map<std::string, std::string> ignored;
    c.delivery = DeliveryPolicy::from_json(*object_of(deliveries[i]), ignored);
    c.create_ms = created[i];
    c.update_ms = updated[i];
    out.push_back(std::move(c));
  }
  return out;
}

void ChannelStore::put(const ChannelInstance& instance) {
  std::string name = instance.name, channel = instance.channel;
  int enabled = instance.enabled ? 1 : 0;
  std::string config =
      database_.seal(compact_json(*instance.config), sealed_column::kChannelConfig);
  std::string delivery = compact_json(*instance.delivery.to_json());
  Poco::Int64 created = instance.create_ms, updated = instance.update_ms;
  auto s = database_.session();
  s << sql_for(
      s,
      "INSERT INTO channels (name, channel, enabled, config_json, delivery_json, create_ms, "
      "update_ms) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET "
      "channel = excluded.channel, enabled = excluded.enabled, config_json = "
      "excluded.config_json, "
      "delivery_json = excluded.delivery_json, update_ms = excluded.update_ms"),
      use(name), use(channel), use(enabled), use(config), use(delivery), use(created), use(updated),
      now;
}

bool ChannelStore::remove(const std::string& name) {
  std::string key = name;
  auto s = database_.session();
  Poco::Data::Statement statement(s);
  statement << sql_for(s, "DELETE FROM channels WHERE name = ?"), use(key);
  return statement.execute() > 0;
}

}  // namespace warden::host
