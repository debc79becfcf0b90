#include "host/automation/saved_solutions.hpp"

#include "host/alerts/channel_instance.hpp"
#include "host/automation/sample_alert.hpp"
#include "host/plugins/plugin_registry.hpp"
#include "host/runtime/clock.hpp"
#include "host/runtime/json_number.hpp"
#include "host/services/mustache_renderer.hpp"
#include "host/tasks/solution_condition.hpp"

#include <warden/json_value.hpp>
#include <warden/templates.hpp>

#include <Poco/JSON/Parser.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <variant>

namespace warden::host {
namespace {

constexpr const char* kCollection = "solution";
constexpr std::size_t kMaxDescriptionBytes = 4096;
constexpr std::size_t kMaxPluginKeyBytes = 64;

bool present(const Poco::JSON::Object& json, const std::string& name) {
  return json.has(name) && !json.isNull(name);
}

bool is_object(const Poco::Dynamic::Var& value) {
  return value.type() == typeid(Poco::JSON::Object::Ptr);
}

/// The JSON object a rendered condition template produced, or its problem.
std::variant<Poco::JSON::Object::Ptr, std::string> parse_rendered(const std::string& text) {
  if (const auto span = integer_beyond_64_bits(text))
    return "renders a number beyond 64 bits for the sample alert: " +
           text.substr(span->offset, std::min<std::size_t>(span->length, 40));
  try {
    const auto value = Poco::JSON::Parser().parse(text);
    if (!is_object(value))
      return std::string("renders JSON that is not an object for the sample alert");
    return value.extract<Poco::JSON::Object::Ptr>();
  } catch (const Poco::Exception& e) {
    return "renders text that is not JSON for the sample alert (" + e.message() +
           "); a string value needs quotes around its tag: \"{{title}}\"";
  }
}

Poco::JSON::Object::Ptr stored_form(const SavedSolution& solution) {
  Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  body->set("plugin", solution.plugin);
  body->set("condition", solution.condition);
  body->set("description", solution.description);
  return body;
}

std::optional<SavedSolution> read_stored(const NamedConfig& row) {
  try {
    const auto body = Poco::JSON::Parser().parse(row.body).extract<Poco::JSON::Object::Ptr>();
    SavedSolution solution;
    solution.name = row.name;
    solution.plugin = body->getValue<std::string>("plugin");
    solution.condition = body->get("condition");
    solution.description = body->optValue<std::string>("description", "");
    solution.updated_ms = row.updated_ms;
    return solution;
  } catch (const std::exception& e) {
    spdlog::error("stored solution \"{}\" does not read and is left out: {}", row.name, e.what());
    return std::nullopt;
  }
}

}  // namespace

SavedSolutions::SavedSolutions(Database& database, const PluginRegistry& registry,
                               TemplateRenderer& renderer, Users users)
    : store_(database, kCollection),
      registry_(registry),
      renderer_(renderer),
      users_(std::move(users)) {
  for (const auto& row : store_.list())
    if (auto solution = read_stored(row))
      solutions_[row.name] = std::make_shared<const SavedSolution>(std::move(*solution));
}

Poco::Dynamic::Var SavedSolutions::check_condition(
    const SavedSolution& solution, const SavedSolution* previous,
    std::map<std::string, std::string>& errors) const {
  const auto record = registry_.find(solution.plugin);
  if (!solution.condition.isString()) {
    const auto condition = solution.condition.extract<Poco::JSON::Object::Ptr>();
    const bool same =
        previous && previous->plugin == solution.plugin && !previous->condition.isString();
    const auto result = check_solution_condition(
        *record, registry_, *condition,
        same ? previous->condition.extract<Poco::JSON::Object::Ptr>().get() : nullptr);
    for (const auto& [field, message] : result.errors) errors["condition." + field] = message;
    return result.ok() ? Poco::Dynamic::Var(result.values) : Poco::Dynamic::Var();
  }
  const auto tpl = solution.condition.extract<std::string>();
  if (auto problem = check_template(tpl)) {
    errors["condition"] = "not a Mustache template: " + *problem;
    return {};
  }
  const auto rendered = renderer_.render(tpl, *sample_action_data(), Escape::json);
  if (!rendered.ok()) {
    errors["condition"] = rendered.error + " for the sample alert";
    return {};
  }
  const auto parsed = parse_rendered(rendered.text);
  if (const auto* problem = std::get_if<std::string>(&parsed)) {
    errors["condition"] = *problem;
    return {};
  }
  const auto result =
      check_solution_condition(*record, registry_, *std::get<Poco::JSON::Object::Ptr>(parsed));
  for (const auto& [field, message] : result.errors)
    errors["condition." + field] = message + " (as rendered for the sample alert)";
  return result.ok() ? solution.condition : Poco::Dynamic::Var();
}

SavedSolutions::Snapshot SavedSolutions::put(const std::string& name,
                                             const Poco::JSON::Object& body) {
  std::map<std::string, std::string> errors;
  if (auto problem = channel_name_problem(name); !problem.empty()) errors["name"] = problem;
  for (const auto& [field, _] : body)
    if (field != "name" && field != "plugin" && field != "condition" && field != "description")
      errors[field] = "unknown (known: plugin, condition, description)";
  if (present(body, "name") &&
      (!body.get("name").isString() || body.getValue<std::string>("name") != name))
    errors["name"] = "must equal the name in the path (\"" + name + "\") or be left out";

  SavedSolution solution;
  solution.name = name;
  bool plugin_ok = false;
  if (!present(body, "plugin") || !body.get("plugin").isString()) {
    errors["plugin"] = "required: the key of a solution plugin";
  } else {
    solution.plugin = body.getValue<std::string>("plugin");
    if (solution.plugin.size() > kMaxPluginKeyBytes)
      errors["plugin"] = "must be at most " + std::to_string(kMaxPluginKeyBytes) + " bytes";
    else if (auto problem = solution_plugin_problem(registry_, solution.plugin); !problem.empty())
      errors["plugin"] = problem;
    else
      plugin_ok = true;
  }
  bool condition_ok = false;
  if (!present(body, "condition")) {
    errors["condition"] = "required: a JSON object, or a Mustache template producing one";
  } else if (const auto value = body.get("condition"); !is_object(value) && !value.isString()) {
    errors["condition"] = "must be a JSON object, or a Mustache template (a string) producing one";
  } else {
    solution.condition = value;
    condition_ok = true;
  }
  if (present(body, "description")) {
    const auto value = body.get("description");
    if (!value.isString())
      errors["description"] = "must be a string";
    else if (value.extract<std::string>().size() > kMaxDescriptionBytes)
      errors["description"] = "must be at most " + std::to_string(kMaxDescriptionBytes) + " bytes";
    else
      solution.description = value.extract<std::string>();
  }
  const auto previous = find(name);
  if (plugin_ok && condition_ok)
    solution.condition = check_condition(solution, previous.get(), errors);
  if (!errors.empty())
    throw RequestError(RequestError::Kind::invalid, "invalid solution \"" + name + "\"", errors);

  solution.updated_ms = now_ms();
  std::lock_guard lock(mutex_);  // one writer at a time; the table and memory agree
  store_.put({name, compact_json(*stored_form(solution)), solution.updated_ms});
  auto snapshot = std::make_shared<const SavedSolution>(std::move(solution));
  solutions_[name] = snapshot;
  return snapshot;
}

SavedSolutions::Snapshot SavedSolutions::find(const std::string& name) const {
  std::lock_guard lock(mutex_);
  const auto it = solutions_.find(name);
  return it == solutions_.end() ? nullptr : it->second;
}

std::vector<SavedSolutions::Snapshot> SavedSolutions::list() const {
  std::lock_guard lock(mutex_);
  std::vector<Snapshot> out;
  out.reserve(solutions_.size());
  for (const auto& [_, solution] : solutions_) out.push_back(solution);
  return out;
}

bool SavedSolutions::remove(const std::string& name) {
  if (!find(name)) {
    std::lock_guard lock(mutex_);
    return store_.remove(name);  // a stored one that did not read at start is forgotten too
  }
  if (users_) {
    const auto policies = users_(name);
    if (!policies.empty()) {
      std::string list;
      for (const auto& policy : policies) list += (list.empty() ? "" : ", ") + policy;
      throw RequestError(RequestError::Kind::conflict,
                         "solution \"" + name + "\" is used by the policies " + list,
                         {{"policies", list}});
    }
  }
  std::lock_guard lock(mutex_);
  const bool stored = store_.remove(name);
  return solutions_.erase(name) > 0 || stored;
}

Poco::Dynamic::Var SavedSolutions::masked_condition(const SavedSolution& solution) const {
  if (solution.condition.isString()) return solution.condition;
  const auto condition = solution.condition.extract<Poco::JSON::Object::Ptr>();
  const auto record = registry_.find(solution.plugin);
  if (record && record->manifest) return record->manifest->schema.masked(*condition);
  Poco::JSON::Object::Ptr hidden = new Poco::JSON::Object;
  for (const auto& [field, _] : *condition) hidden->set(field, kMaskedSecret);
  return hidden;
}

bool SavedSolutions::plugin_loaded(const SavedSolution& solution) const {
  const auto record = registry_.find(solution.plugin);
  return record && record->loaded();
}

}  // namespace warden::host
