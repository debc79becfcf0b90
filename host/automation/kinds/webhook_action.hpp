#pragma once

#include "host/automation/action_kind.hpp"

#include <warden/templates.hpp>

namespace warden::host {

class PluginRegistry;
class TaskManager;

/// `webhook`: an HTTP call, made by the bundled `webhook` solution run as a task (its HTTP client,
/// its handling of 429/5xx and Retry-After), so that there is no second copy of either. Params:
/// url, method (POST, PUT, PATCH, GET), headers ("Name: value" lines), body. The body is a
/// Mustache template over the alert, rendered here with JSON escaping when the request is JSON
/// (a `Content-Type` header says so, or else the body starts with `{` or `[`) and none otherwise,
/// then handed to the task as text (`body_kind` text), never rendered again. The task makes one
/// request (its own retries 0): the action's `retries` and `retry_interval` retry it.
class WebhookAction final : public ActionKind {
 public:
  static constexpr const char* kSolution = "webhook";

  WebhookAction(TaskManager& tasks, const PluginRegistry& registry, TemplateRenderer& renderer)
      : tasks_(tasks), registry_(registry), renderer_(renderer) {}

  std::string name() const override { return "webhook"; }
  /// Checks the params as the webhook solution checks its condition, with the body rendered from
  /// the sample alert (a JSON body must render as JSON).
  void check(const Poco::JSON::Object& params, const Alert& sample, const std::string& place,
             std::map<std::string, std::string>& errors) const override;
  /// Renders the body over input.data and creates the task (timeout: the action's; origin: the
  /// action and its alert); pending with the task id.
  ActionAttempt run(const ActionInput& input) const noexcept override;

 private:
  TaskManager& tasks_;
  const PluginRegistry& registry_;
  TemplateRenderer& renderer_;
};

}  // namespace warden::host
