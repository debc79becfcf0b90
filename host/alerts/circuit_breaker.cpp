#include "host/alerts/circuit_breaker.hpp"
#include "host/store/sql_text.hpp"

#include "host/runtime/ids.hpp"
#include "host/runtime/iso_time.hpp"
#include "host/runtime/request_error.hpp"
#include "host/runtime/timer_queue.hpp"
#include "host/store/database.hpp"
#include "host/store/write_transaction.hpp"

#include <Poco/Data/Session.h>
#include <Poco/Data/Transaction.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <sstream>

using namespace Poco::Data::Keywords;

namespace warden::host {
namespace {

std::optional<std::string> dimension(const Alert& alert, const std::string& channel_name,
                                     const BreakDimensions& extra, const std::string& key) {
  if (auto it = extra.find(key); it != extra.end()) return it->second;
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

/// `name` at `place`: "rules[0].name", or "name" for a rule on its own.
std::string at(const std::string& place, const std::string& name) {
  return place.empty() ? name : place + "." + name;
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
    if (name != "key" && name != "method" && name != "value" && name != "values")
      errors[place + "." + name] = "unknown (known: key, method, value)";
  if (!o->has("key") || !o->get("key").isString() || o->getValue<std::string>("key").empty())
    errors[place + ".key"] = "required: a dimension such as strategy_id, bk_biz_id or a label";
  else
    c.key = o->getValue<std::string>("key");
  if (o->has("method")) {
    c.method = o->get("method").isString() ? o->getValue<std::string>("method") : "";
    if (c.method != "eq" && c.method != "neq") errors[place + ".method"] = "must be eq or neq";
  }
  // `values` is read as `value` (a policy's match says `values`: the same mistake waits here).
  const std::string field = o->has("values") && !o->has("value") ? "values" : "value";
  if (o->has("value") && o->has("values")) errors[place + ".values"] = "give value or values";
  const auto v = o->has(field) ? o->get(field) : Poco::Dynamic::Var();
  if (v.type() == typeid(Poco::JSON::Array::Ptr)) {
    for (const auto& item : *v.extract<Poco::JSON::Array::Ptr>()) {
      if (item.isString() || (item.isNumeric() && !item.isBoolean()))
        c.values.push_back(item.convert<std::string>());
      else
        errors[place + "." + field] = "must hold strings or numbers";
    }
  } else if (v.isString() || (v.isNumeric() && !v.isBoolean())) {
    c.values.push_back(v.convert<std::string>());
  }
  if (c.values.empty() && !errors.contains(place + "." + field))
    errors[place + "." + field] = "required: a value or a non-empty list of values";
  return c;
}

}  // namespace

Poco::JSON::Object::Ptr break_rule_to_json(const BreakRule& rule) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("id", rule.id);
  o->set("description", rule.description);
  o->set("module", rule.module);
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

bool is_break_module(const std::string& module) {
  return module == break_module::notice || module == break_module::action ||
         module == break_module::all;
}

bool BreakRule::covers(const std::string& m) const {
  return module == m || module == break_module::all;
}

bool BreakRule::matches(const Alert& alert, const std::string& channel_name,
                        const BreakDimensions& extra) const {
  for (const auto& c : conditions) {
    const auto value = dimension(alert, channel_name, extra, c.key);
    const bool listed =
        value && std::find(c.values.begin(), c.values.end(), *value) != c.values.end();
    if (listed != (c.method == "eq")) return false;
  }
  return !conditions.empty();
}

BreakRule break_rule_from_json(const Poco::JSON::Object& o, const std::string& place,
                               std::map<std::string, std::string>& errors) {
  BreakRule rule;
  for (const auto& [name, _] : o)
    if (name != "id" && name != "description" && name != "module" && name != "conditions" &&
        name != "end_time")
      errors[at(place, name)] = "unknown (known: id, description, module, conditions, end_time)";
  if (o.has("id") && !o.isNull("id")) {
    const auto id = o.get("id");
    if (id.isString() || (id.isNumeric() && !id.isBoolean())) rule.id = id.convert<std::string>();
    if (rule.id.empty() || rule.id.size() > 64)
      errors[at(place, "id")] = "must be a string of 1 to 64 characters";
  }
  if (rule.id.empty()) rule.id = "cb_" + uuid_v7(now_ms());
  if (o.has("description") && !o.isNull("description")) {
    const auto description = o.get("description");
    if (description.isString() || description.isNumeric())
      rule.description = description.convert<std::string>();
    else
      errors[at(place, "description")] = "must be a string";
  }
  if (o.has("module") && !o.isNull("module")) {
    const auto module = o.get("module");
    rule.module = module.isString() ? module.extract<std::string>() : "";
    if (!is_break_module(rule.module))
      errors[at(place, "module")] = "must be notice, action or all";
  }
  if (o.has("end_time") && !o.isNull("end_time")) {
    const auto end_time = o.get("end_time");
    rule.end_time = end_time.isString() ? end_time.extract<std::string>() : "";
    try {
      rule.end_ms = parse_iso8601(rule.end_time).unix_ms;
    } catch (const IsoTimeError& e) {
      errors[at(place, "end_time")] =
          "must be an ISO 8601 date and time, e.g. 2026-12-01T08:00:00Z: " + e.reason();
    }
  }
  const auto conditions = o.has("conditions") ? o.get("conditions") : Poco::Dynamic::Var();
  if (conditions.type() != typeid(Poco::JSON::Array::Ptr) ||
      conditions.extract<Poco::JSON::Array::Ptr>()->size() == 0) {
    errors[at(place, "conditions")] =
        "required: a non-empty list of {\"key\": \"strategy_id\", \"value\": [...]}";
  } else {
    const auto list = conditions.extract<Poco::JSON::Array::Ptr>();
    for (std::size_t j = 0; j < list->size(); ++j)
      rule.conditions.push_back(
          condition_from(list->get(j), at(place, "conditions[" + std::to_string(j) + "]"), errors));
  }
  return rule;
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
    auto rule = break_rule_from_json(*item.extract<Poco::JSON::Object::Ptr>(), place, errors);
    if (std::find(ids.begin(), ids.end(), rule.id) != ids.end())
      errors[place + ".id"] = "\"" + rule.id + "\" is used by an earlier rule";
    ids.push_back(rule.id);
    rules.push_back(std::move(rule));
  }
  return rules;
}

namespace {

/// Appends `rules` to the table from `position` on, in the caller's transaction.
void insert_rules(Poco::Data::Session& s, const std::vector<BreakRule>& rules,
                  std::int64_t position) {
  if (rules.empty()) return;
  std::vector<std::string> ids, texts, modules;
  std::vector<Poco::Int64> positions;
  for (const auto& rule : rules) {
    ids.push_back(rule.id);
    positions.push_back(static_cast<Poco::Int64>(position++));
    texts.push_back(stringify(*break_rule_to_json(rule)));
    modules.push_back(rule.module);
  }
  s << sql_for(
      s, "INSERT INTO circuit_breaking (rule_id, position, rule_json, module) VALUES (?, ?, ?, ?)"),
      use(ids), use(positions), use(texts), use(modules), now;
}

bool same_rule(const BreakRule& a, const BreakRule& b) {
  return a.id == b.id && stringify(*break_rule_to_json(a)) == stringify(*break_rule_to_json(b));
}

}  // namespace

CircuitBreaker::CircuitBreaker(Database& database, FirstBlock on_first_block)
    : database_(database), on_first_block_(std::move(on_first_block)) {
  std::vector<std::string> texts, modules;
  auto s = database_.session();
  s << sql_for(s, "SELECT rule_json, module FROM circuit_breaking ORDER BY position"), into(texts),
      into(modules), now;
  Poco::JSON::Object body;
  Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    auto rule = Poco::JSON::Parser().parse(texts[i]).extract<Poco::JSON::Object::Ptr>();
    if (!rule->has("module")) rule->set("module", modules[i]);  // stored before modules
    array->add(rule);
  }
  body.set("rules", array);
  std::map<std::string, std::string> errors;
  auto activations = std::make_shared<Activations>();
  for (auto& rule : break_rules_from_json(body, errors))
    activations->push_back(std::make_shared<Activation>(std::move(rule)));
  rules_ = std::move(activations);
}

std::shared_ptr<const CircuitBreaker::Activations> CircuitBreaker::snapshot() const {
  std::lock_guard lock(mutex_);
  return rules_;
}

std::optional<std::string> CircuitBreaker::match(const std::string& module, const Alert& alert,
                                                 const std::string& channel_name, std::int64_t now,
                                                 const BreakDimensions& extra) const {
  for (const auto& activation : *snapshot()) {
    const auto& rule = activation->rule;
    if (!rule.covers(module) || !rule.active(now) || !rule.matches(alert, channel_name, extra))
      continue;
    ++(module == break_module::action ? blocked_actions_ : blocked_notices_);
    // Reported before the callback runs: whatever the callback raises may meet this rule again.
    if (!activation->reported.exchange(true) && on_first_block_) on_first_block_(rule, module);
    return rule.id;
  }
  return std::nullopt;
}

std::vector<BreakRule> CircuitBreaker::rules() const {
  std::vector<BreakRule> out;
  for (const auto& activation : *snapshot()) out.push_back(activation->rule);
  return out;
}

void CircuitBreaker::replace(std::vector<BreakRule> rules) {
  std::lock_guard lock(mutex_);  // one writer at a time, and the table matches memory
  {
    auto s = database_.session();
    Poco::Data::Transaction tx(s);
    s << sql_for(s, "DELETE FROM circuit_breaking"), now;
    insert_rules(s, rules, 0);
    tx.commit();
  }
  auto activations = std::make_shared<Activations>();
  for (auto& rule : rules) {
    const auto kept = std::find_if(rules_->begin(), rules_->end(),
                                   [&](const auto& a) { return same_rule(a->rule, rule); });
    activations->push_back(kept != rules_->end() ? *kept
                                                 : std::make_shared<Activation>(std::move(rule)));
  }
  rules_ = std::move(activations);
}

BreakRule CircuitBreaker::add(BreakRule rule) {
  if (rule.id.empty()) rule.id = "cb_" + uuid_v7(now_ms());
  std::map<std::string, std::string> errors;
  if (rule.id.size() > 64) errors["id"] = "must be a string of 1 to 64 characters";
  if (!is_break_module(rule.module)) errors["module"] = "must be notice, action or all";
  if (rule.conditions.empty()) errors["conditions"] = "required: a non-empty list of conditions";
  if (!errors.empty())
    throw RequestError(RequestError::Kind::invalid, "invalid circuit-breaking rule", errors);
  std::lock_guard lock(mutex_);
  for (const auto& activation : *rules_)
    if (activation->rule.id == rule.id)
      throw RequestError(RequestError::Kind::conflict,
                         "circuit-breaking rule \"" + rule.id + "\" exists; remove it first",
                         {{"id", "\"" + rule.id + "\" is used by another rule"}});
  {
    auto s = database_.session();
    WriteTransaction tx(s);  // reads the next position, then writes
    Poco::Int64 next = 0;
    s << sql_for(s, "SELECT COALESCE(MAX(position) + 1, 0) FROM circuit_breaking"), into(next), now;
    insert_rules(s, {rule}, next);
    tx.commit();
  }
  auto activations = std::make_shared<Activations>(*rules_);
  activations->push_back(std::make_shared<Activation>(rule));
  rules_ = std::move(activations);
  return rule;
}

bool CircuitBreaker::remove(const std::string& id) {
  std::lock_guard lock(mutex_);
  auto activations = std::make_shared<Activations>(*rules_);
  const auto erased = std::erase_if(*activations, [&](const auto& a) { return a->rule.id == id; });
  if (erased == 0) return false;
  auto s = database_.session();
  std::string rule_id = id;
  s << sql_for(s, "DELETE FROM circuit_breaking WHERE rule_id = ?"), use(rule_id), now;
  rules_ = std::move(activations);
  return true;
}

std::size_t CircuitBreaker::clear(const std::string& module) {
  std::lock_guard lock(mutex_);
  auto activations = std::make_shared<Activations>(*rules_);
  const auto erased =
      std::erase_if(*activations, [&](const auto& a) { return a->rule.module == module; });
  if (erased == 0) return 0;
  auto s = database_.session();
  std::string m = module;
  s << sql_for(s, "DELETE FROM circuit_breaking WHERE module = ?"), use(m), now;
  rules_ = std::move(activations);
  return erased;
}

CircuitBreaker::Counts CircuitBreaker::counts(std::int64_t now) const {
  Counts c;
  c.blocked_notices = blocked_notices_;
  c.blocked_actions = blocked_actions_;
  for (const char* module : {break_module::notice, break_module::action, break_module::all})
    c.rules[module] = 0;
  for (const auto& activation : *snapshot())
    if (activation->rule.active(now)) ++c.rules[activation->rule.module];
  return c;
}

}  // namespace warden::host
