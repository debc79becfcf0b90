#pragma once

#include "host/automation/action_kind.hpp"
#include "host/automation/saved_solution.hpp"

#include <warden/templates.hpp>

#include <functional>
#include <optional>

namespace warden::host {

class PluginRegistry;
class TaskManager;

/// `solution`: runs a solution plugin as a task with the alert as its alarm. Params: `solution`
/// (a saved solution's name) or `plugin` (a loaded solution plugin) with `condition` (an object,
/// or a Mustache template rendered with JSON escaping over the alert that must make one).
class SolutionAction final : public ActionKind {
 public:
  using FindSaved = std::function<std::optional<SavedSolution>(const std::string&)>;

  SolutionAction(TaskManager& tasks, const PluginRegistry& registry, TemplateRenderer& renderer,
                 FindSaved find_saved)
      : tasks_(tasks),
        registry_(registry),
        renderer_(renderer),
        find_saved_(std::move(find_saved)) {}

  std::string name() const override { return "solution"; }
  /// A condition is checked as create_task checks one (a template: once rendered with the sample).
  void check(const Poco::JSON::Object& params, const Alert& sample, const std::string& place,
             std::map<std::string, std::string>& errors) const override;
  /// Renders and reads the condition, creates a queued task (timeout: the action's; origin: the
  /// action and its alert), and answers pending with the task id. A condition that does not render
  /// or read, or a task that cannot be made, is a failure saying why.
  ActionAttempt run(const ActionInput& input) const noexcept override;

 private:
  TaskManager& tasks_;
  const PluginRegistry& registry_;
  TemplateRenderer& renderer_;
  FindSaved find_saved_;
};

/// Reads a condition: an object as it is, a string rendered over `data` (JSON escaping) and parsed;
/// it must make a JSON object. Throws std::runtime_error saying what went wrong.
Poco::JSON::Object::Ptr condition_from(const Poco::Dynamic::Var& condition,
                                       const Poco::JSON::Object& data, TemplateRenderer& renderer);

}  // namespace warden::host
