#include "host/alerts/circuit_breaker.hpp"

#include "host/runtime/ids.hpp"
#include "host/runtime/iso_time.hpp"
#include "host/runtime/timer_queue.hpp"
#include "host/store/database.hpp"

#include <Poco/Data/Session.h>
#include <Poco/Data/Transaction.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <sstream>

using namespace Poco::Data::Keywords;

namespace warden::host {
namespace {

std::optional<std::string> dimension(const Alert& alert, const std::string& channel_name,
                                     const std::string& key) {
  if (key == "channel") return channel_name;
  if (key == "source") return alert.source;
  if (key == "type") return alert.type;
  if (key == "status") return alert.status;
  if (key == "severity") return alert.severity;
  if (auto it = alert.labels.find(key); it != alert.labels.end()) return it->second;
  if (key == "strategy_source") {
    auto source = alert.labels.find("data_source_label");
    auto type = alert.labels.find("data_type_label");
    if (source != alert.labels.end() && type != alert.labels.end())
      return source->second + ":" + type->second;
  }
  return std::nullopt;
}

std::string stringify(const Poco::JSON::Object& object) {
  std::ostringstream out;
  object.stringify(out);
  return out.str();
}

BreakCondition condition_from(const Poco::Dynamic::Var& value, const std::string& place,
                              std::map<std::string, std::string>& errors) {
  BreakCondition c;
  if (value.type() != typeid(Poco::JSON::Object::Ptr)) {
    errors[place] = "must be an object {\"key\", \"method\", \"value\"}";
    return c;
  }
  const auto o = value.extract<Poco::JSON::Object::Ptr>();
  for (const auto& [name, _] : *o)
    if (name != "key" && name != "method" && name != "value")
      errors[place + "." + name] = "unknown (known: key, method, value)";
  if (!o->has("key") || !o->get("key").isString() || o->getValue<std::string>("key").empty())
    errors[place + ".key"] = "required: a dimension such as strategy_id, bk_biz_id or a label";
  else
    c.key = o->getValue<std::string>("key");
  if (o->has("method")) {
    c.method = o->get("method").isString() ? o->getValue<std::string>("method") : "";
    if (c.method != "eq" && c.method != "neq") errors[place + ".method"] = "must be eq or neq";
  }
  const auto v = o->has("value") ? o->get("value") : Poco::Dynamic::Var();
  if (v.type() == typeid(Poco::JSON::Array::Ptr)) {
    for (const auto& item : *v.extract<Poco::JSON::Array::Ptr>()) {
      if (item.isString() || (item.isNumeric() && !item.isBoolean()))
        c.values.push_back(item.convert<std::string>());
      else
        errors[place + ".value"] = "must hold strings or numbers";
    }
  } else if (v.isString() || (v.isNumeric() && !v.isBoolean())) {
    c.values.push_back(v.convert<std::string>());
  }
  if (c.values.empty() && !errors.contains(place + ".value"))
    errors[place + ".value"] = "required: a value or a non-empty list of values";
  return c;
}

}  // namespace

Poco::JSON::Object::Ptr break_rule_to_json(const BreakRule& rule) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("id", rule.id);
  o->set("description", rule.description);
  Poco::JSON::Array::Ptr conditions = new Poco::JSON::Array;
  for (const auto& c : rule.conditions) {
    Poco::JSON::Object::Ptr j = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    j->set("key", c.key);
    j->set("method", c.method);
    Poco::JSON::Array::Ptr values = new Poco::JSON::Array;
    for (const auto& v : c.values) values->add(v);
    j->set("value", values);
    conditions->add(j);
  }
  o->set("conditions", conditions);
  o->set("end_time",
         rule.end_time.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(rule.end_time));
  return o;
}

bool BreakRule::matches(const Alert& alert, const std::string& channel_name) const {
  for (const auto& c : conditions) {
    const auto value = dimension(alert, channel_name, c.key);
    const bool listed =
        value && std::find(c.values.begin(), c.values.end(), *value) != c.values.end();
    if (listed != (c.method == "eq")) return false;
  }
  return !conditions.empty();
}

std::vector<BreakRule> break_rules_from_json(const Poco::JSON::Object& body,
                                             std::map<std::string, std::string>& errors) {
  std::vector<BreakRule> rules;
  if (!body.has("rules") || body.get("rules").type() != typeid(Poco::JSON::Array::Ptr)) {
    errors["rules"] = "required: a list of rules {\"conditions\": [...], \"end_time\"?}";
    return rules;
  }
  const auto array = body.getArray("rules");
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const std::string place = "rules[" + std::to_string(i) + "]";
    const auto item = array->get(i);
    if (item.type() != typeid(Poco::JSON::Object::Ptr)) {
      errors[place] = "must be an object";
      continue;
    }
    const auto o = item.extract<Poco::JSON::Object::Ptr>();
    BreakRule rule;
    for (const auto& [name, _] : *o)
      if (name != "id" && name != "description" && name != "conditions" && name != "end_time")
        errors[place + "." + name] = "unknown (known: id, description, conditions, end_time)";
    if (o->has("id") && !o->isNull("id")) {
      rule.id = o->get("id").convert<std::string>();
      if (rule.id.empty() || rule.id.size() > 64)
        errors[place + ".id"] = "must be 1 to 64 characters";
    }
    if (rule.id.empty()) rule.id = "cb_" + uuid_v7(now_ms());
    if (std::find(ids.begin(), ids.end(), rule.id) != ids.end())
      errors[place + ".id"] = "\"" + rule.id + "\" is used by an earlier rule";
    ids.push_back(rule.id);
    if (o->has("description") && !o->isNull("description"))
      rule.description = o->get("description").convert<std::string>();
    if (o->has("end_time") && !o->isNull("end_time")) {
      rule.end_time = o->get("end_time").convert<std::string>();
      try {
        rule.end_ms = parse_iso8601(rule.end_time).unix_ms;
      } catch (const IsoTimeError& e) {
        errors[place + ".end_time"] =
            "must be an ISO 8601 date and time, e.g. 2026-12-01T08:00:00Z: " + e.reason();
      }
    }
    const auto conditions = o->has("conditions") ? o->get("conditions") : Poco::Dynamic::Var();
    if (conditions.type() != typeid(Poco::JSON::Array::Ptr) ||
        conditions.extract<Poco::JSON::Array::Ptr>()->size() == 0) {
      errors[place + ".conditions"] =
          "required: a non-empty list of {\"key\": \"strategy_id\", \"value\": [...]}";
    } else {
      const auto list = conditions.extract<Poco::JSON::Array::Ptr>();
      for (std::size_t j = 0; j < list->size(); ++j)
        rule.conditions.push_back(
            condition_from(list->get(j), place + ".conditions[" + std::to_string(j) + "]", errors));
    }
    rules.push_back(std::move(rule));
  }
  return rules;
}

CircuitBreaker::CircuitBreaker(Database& database) : database_(database) {
  std::vector<std::string> texts;
  auto s = database_.session();
  s << "SELECT rule_json FROM circuit_breaking ORDER BY position", into(texts), now;
  Poco::JSON::Object body;
  Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
  for (const auto& text : texts) array->add(Poco::JSON::Parser().parse(text));
  body.set("rules", array);
  std::map<std::string, std::string> errors;
  rules_ = std::make_shared<const std::vector<BreakRule>>(break_rules_from_json(body, errors));
}

std::optional<std::string> CircuitBreaker::match(const Alert& alert,
                                                 const std::string& channel_name,
                                                 std::int64_t now) const {
  std::shared_ptr<const std::vector<BreakRule>> rules;
  {
    std::lock_guard lock(mutex_);
    rules = rules_;
  }
  for (const auto& rule : *rules)
    if (rule.active(now) && rule.matches(alert, channel_name)) return rule.id;
  return std::nullopt;
}

std::vector<BreakRule> CircuitBreaker::rules() const {
  std::lock_guard lock(mutex_);
  return *rules_;
}

void CircuitBreaker::replace(std::vector<BreakRule> rules) {
  std::vector<std::string> ids, texts;
  std::vector<Poco::Int64> positions;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    auto json = break_rule_to_json(rules[i]);
    ids.push_back(rules[i].id);
    positions.push_back(static_cast<Poco::Int64>(i));
    texts.push_back(stringify(*json));
  }
  std::lock_guard lock(mutex_);  // one writer at a time, and the table matches memory
  auto s = database_.session();
  Poco::Data::Transaction tx(s);
  s << "DELETE FROM circuit_breaking", now;
  if (!ids.empty())
    s << "INSERT INTO circuit_breaking (rule_id, position, rule_json) VALUES (?, ?, ?)", use(ids),
        use(positions), use(texts), now;
  tx.commit();
  rules_ = std::make_shared<const std::vector<BreakRule>>(std::move(rules));
}

}  // namespace warden::host
