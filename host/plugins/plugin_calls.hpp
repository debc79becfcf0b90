#pragma once

#include "host/config/host_config.hpp"

#include <warden/alert.hpp>
#include <warden/alert_channel.hpp>
#include <warden/solution.hpp>

#include <Poco/JSON/Object.h>

#include <chrono>
#include <string>
#include <vector>

namespace warden::host {

/// One step of a task: everything a solution object is restored from and bound to. Plain data, so
/// it crosses to a runner process as JSON (plugin_calls_json.hpp).
struct StepCall {
  std::string service;  ///< the solution's key
  std::string task_id;
  std::string step;       ///< "" runs `run()`
  std::string answer;     ///< JSON handed to the step ("" or "null": none)
  std::string condition;  ///< JSON object: the task's validated condition
  std::string alarm;      ///< JSON object of the alert that caused the task, or ""
  std::string state;      ///< JSON object persisted from the step before
  std::string output;     ///< JSON object persisted from the step before
  SourceDb source;
};

/// What one step of a solution did.
struct StepResult {
  bool ok = true;            ///< false: the step threw, crashed, or the solution could not be made
  std::string error;         ///< why, when !ok
  std::string failure_type;  ///< the task's failure_type when !ok ("" means "exception")
  SolutionOutcome outcome;
  std::string state;   ///< the solution's state() after the step (JSON)
  std::string output;  ///< its output() after the step (JSON)
};

/// One firing of a timer action.
struct FiringCall {
  std::string action;  ///< the timer_action plugin's key
  std::string timer_id;
  std::string params;  ///< JSON object: the action's validated params
  std::string state;   ///< JSON object: what the last firing kept
  Poco::JSON::Object::Ptr data = new Poco::JSON::Object;
  Poco::JSON::Object::Ptr parent = new Poco::JSON::Object;
};

/// What one firing of a timer action did.
struct ActionResult {
  bool ok = false;
  std::string error;  ///< why, when !ok
  std::string state;  ///< the action's state() after the firing (JSON); empty if it never ran
};

/// One delivery attempt through one channel instance.
struct DeliveryCall {
  std::string channel;   ///< the alert_channel plugin's key
  std::string instance;  ///< the channel instance's name
  Poco::JSON::Object::Ptr config = new Poco::JSON::Object;
  std::chrono::milliseconds timeout{10'000};  ///< every HTTP request the plugin makes
  std::string
      default_template;  ///< the manifest's alertTpl default: the fallback when alertTpl fails
  Alert alert;
  /// The notice this attempt sends: every HTTP request of the attempt carries it as
  /// X-Warden-Notice-Id ("" sends none).
  std::string notice_id;
};

/// One delivery's result, as the pipeline records it.
struct DeliveryResult {
  Delivery delivery;
  /// alertTpl failed to render for this alert: the notice went out with the channel's default
  /// template (or, failing that, a plain text), and this says why.
  std::string template_error;
};

/// A form being read: the plugin's run-time choices for one `selectable` / `multi_selectable` field
/// (Plugin::select_options on a fresh object with an empty config).
struct SelectOptionsCall {
  std::string field;
};

/// What select_options gave. Not ok: it threw, crashed, timed out or went past the bounds below,
/// and `error` says so; the field then keeps its manifest's options.
struct SelectOptionsResult {
  bool ok = false;
  std::string error;
  std::string failure_type;  ///< plugin_crash or plugin_timeout when the call itself failed
  std::vector<SelectOption> options;
};

/// The bounds of one field's run-time options: a form is read by people, and the answer of a
/// runner is not trusted further than the host checks it.
inline constexpr std::size_t kMaxSelectOptions = 1000;
inline constexpr std::size_t kMaxSelectOptionBytes = 1024;  ///< one label or value
inline constexpr std::chrono::seconds kSelectOptionsTimeout{5};

/// Turns `result` into a failure when its options go past the bounds above.
void enforce_select_option_bounds(SelectOptionsResult& result);

/// How a call that did not end in the plugin's own answer is named: a task's failure_type, and the
/// prefix of a notice attempt's or a timer firing's error.
inline constexpr const char* kPluginCrash = "plugin_crash";
inline constexpr const char* kPluginTimeout = "plugin_timeout";

}  // namespace warden::host
