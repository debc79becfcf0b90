#include "host/automation/kinds/solution_action.hpp"
#include "host/automation/sample_alert.hpp"

#include "host/automation/kinds/action_params.hpp"
#include "host/plugins/plugin_registry.hpp"
#include "host/runtime/json_number.hpp"
#include "host/tasks/task_manager.hpp"

#include <Poco/JSON/Parser.h>

#include <exception>
#include <stdexcept>

namespace warden::host {
namespace {

constexpr std::size_t kMaxNameBytes = 64;
constexpr std::size_t kMaxTemplateBytes = 128 * 1024;

/// The condition's field errors, each under `place.condition.<field>`.
void add_condition_errors(const RequestError& e, const std::string& where, ParamErrors& errors) {
  if (e.errors().empty()) {
    errors[where] = e.what();
    return;
  }
  for (const auto& [field, problem] : e.errors()) errors[place_of(where, field)] = problem;
}

}  // namespace

Poco::JSON::Object::Ptr condition_from(const Poco::Dynamic::Var& condition,
                                       const Poco::JSON::Object& data, TemplateRenderer& renderer) {
  if (condition.type() == typeid(Poco::JSON::Object::Ptr))
    return condition.extract<Poco::JSON::Object::Ptr>();
  if (!condition.isString())
    throw std::runtime_error("the condition must be an object or a template string");
  auto rendered = renderer.render(condition.extract<std::string>(), data, Escape::json);
  if (!rendered.ok())
    throw std::runtime_error("the condition template does not render: " + rendered.error);
  if (auto beyond = integer_beyond_64_bits(rendered.text))
    throw std::runtime_error("the rendered condition holds a number beyond 64 bits: " +
                             rendered.text.substr(beyond->offset, beyond->length));
  Poco::Dynamic::Var parsed;
  try {
    parsed = Poco::JSON::Parser().parse(rendered.text);
  } catch (const Poco::Exception& e) {
    throw std::runtime_error("the rendered condition is not JSON (" + e.message() +
                             "): " + rendered.text.substr(0, 200));
  }
  if (parsed.type() != typeid(Poco::JSON::Object::Ptr))
    throw std::runtime_error("the rendered condition is not a JSON object: " +
                             rendered.text.substr(0, 200));
  return parsed.extract<Poco::JSON::Object::Ptr>();
}

void SolutionAction::check(const Poco::JSON::Object& params, const Alert& sample,
                           const std::string& place,
                           std::map<std::string, std::string>& errors) const {
  refuse_unknown(params, {"solution", "plugin", "condition"}, "solution", place, errors);
  const bool saved = has_param(params, "solution");
  const bool plugin = has_param(params, "plugin");
  if (saved == plugin) {
    errors[place_of(place, saved ? "plugin" : "solution")] =
        saved ? "give either a saved \"solution\" or a \"plugin\" with its \"condition\", not both"
              : "required: a saved \"solution\" by name, or a \"plugin\" with its \"condition\"";
    return;
  }
  if (saved) {
    if (has_param(params, "condition"))
      errors[place_of(place, "condition")] =
          "a saved solution brings its own condition; give \"plugin\" to set one here";
    if (auto name = read_text(params, "solution", place, kMaxNameBytes, errors);
        name && !(find_saved_ && find_saved_(*name)))
      errors[place_of(place, "solution")] = "no saved solution is named \"" + *name + "\"";
    return;
  }
  const auto key = read_text(params, "plugin", place, kMaxNameBytes, errors);
  if (!key) return;
  const auto record = registry_.find(*key);
  if (!record || !record->loaded() || !record->manifest ||
      record->manifest->kind != Kind::solution) {
    errors[place_of(place, "plugin")] = "\"" + *key + "\" is not a loaded solution plugin";
    return;
  }
  const auto where = place_of(place, "condition");
  Poco::Dynamic::Var given =
      has_param(params, "condition")
          ? params.get("condition")
          : Poco::Dynamic::Var(Poco::JSON::Object::Ptr(new Poco::JSON::Object));
  if (given.isString() && given.extract<std::string>().size() > kMaxTemplateBytes) {
    errors[where] = "must be at most " + std::to_string(kMaxTemplateBytes) + " bytes";
    return;
  }
  Poco::JSON::Object::Ptr condition;
  try {
    condition = condition_from(given, *sample_action_data(sample), renderer_);
  } catch (const std::exception& e) {
    errors[where] = std::string(e.what()) + " (rendered with the sample alert)";
    return;
  }
  try {
    tasks_.check_condition(*key, *condition);
  } catch (const RequestError& e) {
    add_condition_errors(e, where, errors);
  }
}

ActionAttempt SolutionAction::run(const ActionInput& input) const noexcept {
  ActionAttempt attempt;
  try {
    const auto params = params_of(input.action);
    std::string plugin;
    Poco::Dynamic::Var condition;
    if (has_param(*params, "solution")) {
      const auto name = params->getValue<std::string>("solution");
      const auto saved = find_saved_ ? find_saved_(name) : std::nullopt;
      if (!saved) {
        attempt.message = "the saved solution \"" + name + "\" no longer exists";
        return attempt;
      }
      plugin = saved->plugin;
      condition = saved->condition;
    } else {
      plugin = params->getValue<std::string>("plugin");
      condition = has_param(*params, "condition")
                      ? params->get("condition")
                      : Poco::Dynamic::Var(Poco::JSON::Object::Ptr(new Poco::JSON::Object));
    }
    const auto values = condition_from(condition, *input.data, renderer_);
    attempt.task_id = tasks_.create(plugin, *values, timeout_ms_of(input.action), true,
                                    TaskOrigin{input.action.id, input.alert});
    attempt.outcome = ActionAttempt::Outcome::pending;
    attempt.message = "task " + attempt.task_id + " of solution " + plugin;
  } catch (const RequestError& e) {
    attempt.message = errors_text(e.what(), e.errors());
  } catch (const Poco::Exception& e) {
    attempt.message = "the solution could not be started: " + e.displayText();
  } catch (const std::exception& e) {
    attempt.message = e.what();
  } catch (...) {
    attempt.message = "the solution could not be started";
  }
  return attempt;
}

}  // namespace warden::host
