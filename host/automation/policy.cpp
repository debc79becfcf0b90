#include "host/automation/policy.hpp"

#include "host/alerts/channel_instance.hpp"
#include "host/runtime/json_number.hpp"

#include <Poco/JSON/Array.h>
#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <string_view>
#include <utility>

namespace warden::host {
namespace {

// Bounds on what one policy may hold: a policy is an operator's text, matched against every alert.
constexpr std::size_t kMaxConditions = 64;
constexpr std::size_t kMaxActions = 32;
constexpr std::size_t kMaxPatternBytes = 1024;
constexpr std::size_t kMaxValueBytes = 4096;
constexpr std::size_t kMaxInValues = 256;
constexpr std::size_t kMaxFieldBytes = 256;
constexpr std::size_t kMaxDescriptionBytes = 4096;
constexpr std::size_t kMaxKindBytes = 64;
constexpr std::size_t kMaxApprovalChannels = 32;
// A compiled pattern (program and DFA cache) stays within this; a bigger one is refused when saved.
constexpr std::int64_t kMaxRegexMemory = 1 << 20;
constexpr std::int64_t kMaxSeconds = 7 * 86400;

constexpr std::string_view kLabelPrefix = "labels.";

using TextField = std::string Alert::*;
constexpr std::array<std::pair<std::string_view, TextField>, 13> kTextFields{{
    {"type", &Alert::type},
    {"subject", &Alert::subject},
    {"title", &Alert::title},
    {"source", &Alert::source},
    {"id", &Alert::id},
    {"status", &Alert::status},
    {"severity", &Alert::severity},
    {"start_time", &Alert::start_time},
    {"end_time", &Alert::end_time},
    {"duration", &Alert::duration},
    {"link", &Alert::link},
    {"message", &Alert::message},
    {"dedupe_key", &Alert::dedupe_key},
}};

const std::string& known_fields_text() {
  static const std::string text = [] {
    std::string out;
    for (const auto& [name, _] : kTextFields) out += std::string(name) + ", ";
    return out + "labels.<name>";
  }();
  return text;
}

bool is_label_field(std::string_view field) {
  return field.size() > kLabelPrefix.size() && field.starts_with(kLabelPrefix);
}

/// The alert's label `name`; an absent label reads as "".
std::string_view label_value(const Alert& alert, std::string_view name) {
  // Alert::labels cannot be searched by a view, and an alert has a few labels: a walk in key
  // order costs less than making a key (this runs for every policy on every alert).
  for (const auto& [key, value] : alert.labels) {
    const int order = std::string_view(key).compare(name);
    if (order == 0) return value;
    if (order > 0) break;
  }
  return {};
}

bool known_field(std::string_view field) {
  if (is_label_field(field)) return true;
  return std::any_of(kTextFields.begin(), kTextFields.end(),
                     [&](const auto& entry) { return entry.first == field; });
}

std::string place_of(const std::string& place, const std::string& field) {
  return place.empty() ? field : place + "." + field;
}

std::string indexed(const std::string& place, std::size_t index) {
  return place + "[" + std::to_string(index) + "]";
}

bool present(const Poco::JSON::Object& json, const std::string& name) {
  return json.has(name) && !json.isNull(name);
}

void refuse_unknown(const Poco::JSON::Object& json, const std::vector<std::string>& known,
                    const std::string& place, std::map<std::string, std::string>& errors) {
  std::string list;
  for (const auto& name : known) list += (list.empty() ? "" : ", ") + name;
  for (const auto& [name, _] : json)
    if (std::find(known.begin(), known.end(), name) == known.end())
      errors[place_of(place, name)] = "unknown (known: " + list + ")";
}

void read_whole(const Poco::JSON::Object& json, const std::string& name, const std::string& place,
                std::int64_t low, std::int64_t high, std::int64_t& out,
                std::map<std::string, std::string>& errors) {
  if (!present(json, name)) return;
  const auto value = json.get(name);
  if (const auto n = whole_number(value, low, high))
    out = *n;
  else
    errors[place_of(place, name)] = whole_number_refusal(value, low, high);
}

void read_bool(const Poco::JSON::Object& json, const std::string& name, const std::string& place,
               bool& out, std::map<std::string, std::string>& errors) {
  if (!present(json, name)) return;
  const auto value = json.get(name);
  if (value.isBoolean())
    out = value.extract<bool>();
  else
    errors[place_of(place, name)] = "must be true or false";
}

/// A string of at most `max_bytes`; nullopt (and an error) otherwise.
std::optional<std::string> text_of(const Poco::Dynamic::Var& value, std::size_t max_bytes,
                                   const std::string& place,
                                   std::map<std::string, std::string>& errors) {
  if (!value.isString()) {
    errors[place] = "must be a string";
    return std::nullopt;
  }
  auto text = value.extract<std::string>();
  if (text.size() > max_bytes) {
    errors[place] = "must be at most " + std::to_string(max_bytes) + " bytes, not " +
                    std::to_string(text.size());
    return std::nullopt;
  }
  return text;
}

/// An array of at most `max_items`, or nullptr (and an error).
Poco::JSON::Array::Ptr array_of(const Poco::Dynamic::Var& value, std::size_t max_items,
                                const std::string& place,
                                std::map<std::string, std::string>& errors) {
  if (value.type() != typeid(Poco::JSON::Array::Ptr)) {
    errors[place] = "must be a JSON array";
    return nullptr;
  }
  auto array = value.extract<Poco::JSON::Array::Ptr>();
  if (array->size() > max_items) {
    errors[place] = "may hold at most " + std::to_string(max_items) + " items, not " +
                    std::to_string(array->size());
    return nullptr;
  }
  return array;
}

Poco::JSON::Object::Ptr object_of(const Poco::Dynamic::Var& value, const std::string& place,
                                  std::map<std::string, std::string>& errors) {
  if (value.type() != typeid(Poco::JSON::Object::Ptr)) {
    errors[place] = "must be a JSON object";
    return nullptr;
  }
  return value.extract<Poco::JSON::Object::Ptr>();
}

std::shared_ptr<const re2::RE2> compile(const std::string& pattern, const std::string& place,
                                        std::map<std::string, std::string>& errors) {
  if (pattern.size() > kMaxPatternBytes) {
    errors[place] = "a pattern may be at most " + std::to_string(kMaxPatternBytes) +
                    " bytes, not " + std::to_string(pattern.size());
    return nullptr;
  }
  re2::RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(kMaxRegexMemory);
  auto regex = std::make_shared<const re2::RE2>(pattern, options);
  if (regex->error_code() == re2::RE2::ErrorPatternTooLarge) {
    errors[place] = "the pattern compiles to more than 1 MiB: use fewer or smaller repeats";
    return nullptr;
  }
  if (!regex->ok()) {
    errors[place] = "not a valid RE2 pattern: " + regex->error();
    return nullptr;
  }
  return regex;
}

/// Works out once what a read condition's field and op name.
void resolve(MatchCondition& condition) {
  using Op = MatchCondition::Op;
  condition.op_code = condition.op == "neq"     ? Op::neq
                      : condition.op == "regex" ? Op::regex
                      : condition.op == "in"    ? Op::in
                                                : Op::eq;
  if (is_label_field(condition.field)) {
    condition.label = condition.field.substr(kLabelPrefix.size());
    return;
  }
  for (const auto& [name, member] : kTextFields)
    if (name == condition.field) condition.member = member;
}

MatchCondition read_condition_fields(const Poco::JSON::Object& json, const std::string& place,
                                     std::map<std::string, std::string>& errors) {
  MatchCondition condition;
  refuse_unknown(json, {"field", "op", "value", "values"}, place, errors);
  if (!present(json, "field")) {
    errors[place_of(place, "field")] = "required: " + known_fields_text();
  } else if (auto field =
                 text_of(json.get("field"), kMaxFieldBytes, place_of(place, "field"), errors)) {
    if (known_field(*field))
      condition.field = std::move(*field);
    else
      errors[place_of(place, "field")] = "unknown alert field (known: " + known_fields_text() + ")";
  }
  if (present(json, "op")) {
    const auto op = text_of(json.get("op"), 16, place_of(place, "op"), errors);
    if (op && *op != "eq" && *op != "neq" && *op != "regex" && *op != "in")
      errors[place_of(place, "op")] = "must be one of eq, neq, regex, in";
    else if (op)
      condition.op = *op;
  }
  if (errors.contains(place_of(place, "op"))) return condition;

  if (condition.op == "in") {
    if (present(json, "value")) errors[place_of(place, "value")] = "op in takes `values`";
    if (!present(json, "values")) {
      errors[place_of(place, "values")] = "required for op in: a list of strings";
      return condition;
    }
    const auto values =
        array_of(json.get("values"), kMaxInValues, place_of(place, "values"), errors);
    if (!values) return condition;
    if (values->size() == 0) errors[place_of(place, "values")] = "must list at least one value";
    for (std::size_t i = 0; i < values->size(); ++i)
      if (auto value = text_of(values->get(static_cast<unsigned>(i)), kMaxValueBytes,
                               indexed(place_of(place, "values"), i), errors))
        condition.values.push_back(std::move(*value));
    return condition;
  }
  if (present(json, "values"))
    errors[place_of(place, "values")] = "op " + condition.op + " takes one `value`";
  if (!present(json, "value")) {
    errors[place_of(place, "value")] = "required for op " + condition.op + ": a string";
    return condition;
  }
  const auto max = condition.op == "regex" ? kMaxPatternBytes : kMaxValueBytes;
  auto value = text_of(json.get("value"), max, place_of(place, "value"), errors);
  if (!value) return condition;
  if (condition.op == "regex") condition.regex = compile(*value, place_of(place, "value"), errors);
  condition.values.push_back(std::move(*value));
  return condition;
}

MatchCondition read_condition(const Poco::JSON::Object& json, const std::string& place,
                              std::map<std::string, std::string>& errors) {
  auto condition = read_condition_fields(json, place, errors);
  resolve(condition);
  return condition;
}

void read_match(const Poco::JSON::Object& body, Policy& policy,
                std::map<std::string, std::string>& errors) {
  if (!present(body, "match")) return;
  const auto list = array_of(body.get("match"), kMaxConditions, "match", errors);
  if (!list) return;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const auto place = indexed("match", i);
    if (auto json = object_of(list->get(static_cast<unsigned>(i)), place, errors))
      policy.match.push_back(read_condition(*json, place, errors));
  }
}

/// `signals` of `json` (a policy, or one action at `at`) into `signals`.
void read_signals(const Poco::JSON::Object& json, const std::string& at,
                  std::vector<Signal>& signals, std::map<std::string, std::string>& errors) {
  if (!present(json, "signals")) return;
  const auto field = at.empty() ? std::string("signals") : place_of(at, "signals");
  const auto list = array_of(json.get("signals"), 4, field, errors);
  if (!list) return;
  if (list->size() == 0) errors[field] = "must list at least one signal";
  signals.clear();
  for (std::size_t i = 0; i < list->size(); ++i) {
    const auto place = indexed(field, i);
    const auto text = text_of(list->get(static_cast<unsigned>(i)), 16, place, errors);
    if (!text) continue;
    const auto signal = signal_from_string(*text);
    if (!signal)
      errors[place] = "must be one of abnormal, recovered, no_data, closed";
    else if (std::find(signals.begin(), signals.end(), *signal) != signals.end())
      errors[place] = "\"" + *text + "\" is listed twice";
    else
      signals.push_back(*signal);
  }
}

void read_approval_channels(const Poco::JSON::Object& body, Policy& policy,
                            std::map<std::string, std::string>& errors) {
  if (!present(body, "approval_channels")) return;
  const auto list =
      array_of(body.get("approval_channels"), kMaxApprovalChannels, "approval_channels", errors);
  if (!list) return;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const auto place = indexed("approval_channels", i);
    auto name = text_of(list->get(static_cast<unsigned>(i)), 64, place, errors);
    if (!name) continue;
    if (auto problem = channel_name_problem(*name); !problem.empty())
      errors[place] = "a channel instance name " + problem;
    else
      policy.approval_channels.push_back(std::move(*name));
  }
}

void read_defense(const Poco::JSON::Object& body, Policy& policy,
                  std::map<std::string, std::string>& errors) {
  if (!present(body, "defense")) return;
  const auto json = object_of(body.get("defense"), "defense", errors);
  if (!json) return;
  refuse_unknown(*json, {"max_actions", "window"}, "defense", errors);
  read_whole(*json, "max_actions", "defense", 0, 1'000'000, policy.defense.max_actions, errors);
  read_whole(*json, "window", "defense", 1, kMaxSeconds, policy.defense.window_s, errors);
}

const std::vector<std::string>& common_action_fields() {
  static const std::vector<std::string> fields{
      "kind", "signals", "timeout", "retries", "retry_interval", "approval", "approval_timeout"};
  return fields;
}

PolicyAction read_action(const Poco::JSON::Object& json, const std::string& place,
                         std::map<std::string, std::string>& errors) {
  PolicyAction action;
  if (!present(json, "kind")) {
    errors[place_of(place, "kind")] = "required: the kind of action (notice, solution, webhook…)";
  } else if (auto kind =
                 text_of(json.get("kind"), kMaxKindBytes, place_of(place, "kind"), errors)) {
    if (kind->empty())
      errors[place_of(place, "kind")] = "must not be empty";
    else
      action.kind = std::move(*kind);
  }
  read_signals(json, place, action.signals, errors);
  read_whole(json, "timeout", place, 1, 86400, action.timeout_s, errors);
  std::int64_t retries = action.retries;
  read_whole(json, "retries", place, 0, 20, retries, errors);
  action.retries = static_cast<int>(retries);
  read_whole(json, "retry_interval", place, 0, 86400, action.retry_interval_s, errors);
  read_bool(json, "approval", place, action.approval, errors);
  read_whole(json, "approval_timeout", place, 1, kMaxSeconds, action.approval_timeout_s, errors);
  action.params = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  const auto& common = common_action_fields();
  for (const auto& [name, value] : json)
    if (std::find(common.begin(), common.end(), name) == common.end())
      action.params->set(name, value);
  return action;
}

void read_actions(const Poco::JSON::Object& body, Policy& policy,
                  std::map<std::string, std::string>& errors) {
  if (!present(body, "actions")) return;
  const auto list = array_of(body.get("actions"), kMaxActions, "actions", errors);
  if (!list) return;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const auto place = indexed("actions", i);
    if (auto json = object_of(list->get(static_cast<unsigned>(i)), place, errors))
      policy.actions.push_back(read_action(*json, place, errors));
  }
}

Poco::JSON::Object::Ptr ordered_object() {
  return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
}

Poco::JSON::Array::Ptr string_list(const std::vector<std::string>& values) {
  Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
  for (const auto& value : values) list->add(value);
  return list;
}

}  // namespace

bool MatchCondition::matches(const Alert& alert) const {
  const auto value = member ? std::string_view(alert.*member) : label_value(alert, label);
  switch (op_code) {
    case Op::in:
      return std::find(values.begin(), values.end(), value) != values.end();
    case Op::eq:
      return !values.empty() && value == values.front();
    case Op::neq:
      return !values.empty() && value != values.front();
    case Op::regex:
      return regex && re2::RE2::FullMatch(re2::StringPiece(value.data(), value.size()), *regex);
  }
  return false;
}

bool Policy::matches(const Alert& alert, Signal signal) const {
  if (!enabled) return false;
  if (std::find(signals.begin(), signals.end(), signal) == signals.end()) return false;
  return std::all_of(match.begin(), match.end(),
                     [&](const MatchCondition& condition) { return condition.matches(alert); });
}

Policy policy_from_json(const std::string& name, const Poco::JSON::Object& body,
                        std::map<std::string, std::string>& errors) {
  Policy policy;
  policy.name = name;
  if (auto problem = channel_name_problem(name); !problem.empty()) errors["name"] = problem;
  refuse_unknown(body,
                 {"name", "order", "enabled", "description", "match", "signals", "continue",
                  "approval_channels", "defense", "actions"},
                 "", errors);
  if (present(body, "name") &&
      (!body.get("name").isString() || body.getValue<std::string>("name") != name))
    errors["name"] = "must equal the name in the path (\"" + name + "\") or be left out";
  read_whole(body, "order", "", -1'000'000'000, 1'000'000'000, policy.order, errors);
  read_bool(body, "enabled", "", policy.enabled, errors);
  if (present(body, "description"))
    if (auto text = text_of(body.get("description"), kMaxDescriptionBytes, "description", errors))
      policy.description = std::move(*text);
  read_match(body, policy, errors);
  read_signals(body, "", policy.signals, errors);
  read_bool(body, "continue", "", policy.continue_matching, errors);
  read_approval_channels(body, policy, errors);
  read_defense(body, policy, errors);
  read_actions(body, policy, errors);
  return policy;
}

Poco::JSON::Object::Ptr policy_to_json(const Policy& policy) {
  auto json = ordered_object();
  json->set("name", policy.name);
  json->set("order", policy.order);
  json->set("enabled", policy.enabled);
  json->set("description", policy.description);
  Poco::JSON::Array::Ptr match = new Poco::JSON::Array;
  for (const auto& condition : policy.match) {
    auto c = ordered_object();
    c->set("field", condition.field);
    c->set("op", condition.op);
    if (condition.op == "in")
      c->set("values", string_list(condition.values));
    else
      c->set("value", condition.values.empty() ? std::string() : condition.values.front());
    match->add(c);
  }
  json->set("match", match);
  Poco::JSON::Array::Ptr signals = new Poco::JSON::Array;
  for (const auto signal : policy.signals) signals->add(std::string(to_string(signal)));
  json->set("signals", signals);
  json->set("continue", policy.continue_matching);
  json->set("approval_channels", string_list(policy.approval_channels));
  auto defense = ordered_object();
  defense->set("max_actions", policy.defense.max_actions);
  defense->set("window", policy.defense.window_s);
  json->set("defense", defense);
  Poco::JSON::Array::Ptr actions = new Poco::JSON::Array;
  for (const auto& action : policy.actions) {
    auto a = ordered_object();
    a->set("kind", action.kind);
    if (!action.signals.empty()) {
      Poco::JSON::Array::Ptr own = new Poco::JSON::Array;
      for (const auto signal : action.signals) own->add(std::string(to_string(signal)));
      a->set("signals", own);
    }
    if (action.params)
      for (const auto& [name, value] : *action.params) a->set(name, value);
    a->set("timeout", action.timeout_s);
    a->set("retries", action.retries);
    a->set("retry_interval", action.retry_interval_s);
    a->set("approval", action.approval);
    a->set("approval_timeout", action.approval_timeout_s);
    actions->add(a);
  }
  json->set("actions", actions);
  return json;
}

std::vector<std::shared_ptr<const Policy>> matching_policies(
    const std::vector<std::shared_ptr<const Policy>>& policies, const Alert& alert, Signal signal) {
  std::vector<std::shared_ptr<const Policy>> taken;
  for (const auto& policy : policies) {
    if (!policy->matches(alert, signal)) continue;
    taken.push_back(policy);
    if (!policy->continue_matching) break;
  }
  return taken;
}

}  // namespace warden::host
