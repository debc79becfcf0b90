#pragma once

#include <warden/alert.hpp>
#include <warden/plugin.hpp>
#include <warden/status.hpp>

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace warden {

/// Where a task came from (SPEC §4 `source_db` entry for its service; empty when not configured).
struct TaskInfo {
  std::string task_id;
  std::string service;
  std::string source_name;
  std::string topic_name;
  std::string consumer_id;
};

/// How the host polls a URL for `wait_polling_callback`.
struct PollOptions {
  std::chrono::milliseconds interval{5'000};
  std::chrono::milliseconds timeout{300'000};  ///< the whole wait; then the step gets a null answer
  int max_attempts = 0;                        ///< 0: no limit but `timeout`
  std::string method = "GET";
  std::string body;
  /// Optional: keep polling until the JSON answer's `field` (dotted path) equals `equals`.
  std::string field;
  std::string equals;
};

/// What a solution asked for when its `run()` or step returned. The host acts on it.
struct SolutionOutcome {
  enum class Next { none, finished, wait_callback, wait_polling };
  Next next = Next::none;
  std::string result;                  ///< finished: "success" or "failure"
  std::string comment;                 ///< finished: a sentence for the operator
  std::string failure_type;            ///< finished with failure: a short machine-readable cause
  std::string step;                    ///< wait_*: the step to call next
  std::chrono::milliseconds delay{0};  ///< wait_callback
  std::string url;                     ///< wait_polling
  PollOptions poll;                    ///< wait_polling
};

/// A self-healing runbook, run as a task. Implement `run()`; register further steps in your
/// constructor with `step(name, handler)`; end with `set_finished`, or hand over to the host with
/// `wait_callback` / `wait_polling_callback` and return. The host persists `state()` and `output()`
/// at every step boundary, so a step may run in another process after a restart: keep what a later
/// step needs in `state()`, not in members.
class Solution : public Plugin {
 public:
  using StepHandler = std::function<void(const Poco::Dynamic::Var& answer)>;

  /// The entry point of a task.
  virtual void run() = 0;

  // ---- host-facing (noexcept; exceptions become a failed Status) ----
  void bind_task(TaskInfo info) noexcept { task_ = std::move(info); }
  void bind_alarm(Alert alarm) noexcept { alarm_ = std::move(alarm); }
  Status start() noexcept {
    outcome_ = {};
    return detail::guarded([&] {
      run();
      return Status::success();
    });
  }
  Status resume(const std::string& name, const Poco::Dynamic::Var& answer) noexcept {
    outcome_ = {};
    return detail::guarded([&] {
      auto it = steps_.find(name);
      if (it == steps_.end()) return Status::failure("unknown step '" + name + "'");
      it->second(answer);
      return Status::success();
    });
  }
  const SolutionOutcome& outcome() const noexcept { return outcome_; }
  Poco::JSON::Object::Ptr state_json() const { return state_; }
  void restore_state(Poco::JSON::Object::Ptr state) {
    state_ = state ? state : Poco::JSON::Object::Ptr(new Poco::JSON::Object);
  }
  Poco::JSON::Object::Ptr output_json() const { return output_; }
  void restore_output(Poco::JSON::Object::Ptr out) {
    output_ = out ? out : Poco::JSON::Object::Ptr(new Poco::JSON::Object);
  }

 protected:
  /// Registers a step that `wait_callback`/`wait_polling_callback` can name.
  void step(std::string name, StepHandler handler) { steps_[std::move(name)] = std::move(handler); }

  /// Ends the task: result "success" (task `finished`) or "failure" (task `failed`). Takes effect
  /// once; a later call is logged and ignored.
  void set_finished(std::string result, std::string comment, std::string failure_type = {}) {
    if (outcome_.next == SolutionOutcome::Next::finished) {
      log().warn("set_finished called again; ignored");
      return;
    }
    outcome_ = {};
    outcome_.next = SolutionOutcome::Next::finished;
    outcome_.result = std::move(result);
    outcome_.comment = std::move(comment);
    outcome_.failure_type = std::move(failure_type);
  }

  /// Calls step `name` again after `delay`, without holding a worker meanwhile.
  void wait_callback(std::string name, std::chrono::milliseconds delay) {
    if (!can_wait("wait_callback")) return;
    outcome_.next = SolutionOutcome::Next::wait_callback;
    outcome_.step = std::move(name);
    outcome_.delay = delay;
  }

  /// Polls `url` as `options` say and calls step `name` with the JSON answer (null on timeout).
  void wait_polling_callback(std::string name, std::string url, PollOptions options = {}) {
    if (!can_wait("wait_polling_callback")) return;
    outcome_.next = SolutionOutcome::Next::wait_polling;
    outcome_.step = std::move(name);
    outcome_.url = std::move(url);
    outcome_.poll = std::move(options);
  }

  /// Data for `result_task`, persisted with the task.
  Poco::JSON::Object& output() { return *output_; }
  /// Step state, persisted at every step boundary.
  Poco::JSON::Object& state() { return *state_; }
  const TaskInfo& task() const noexcept { return task_; }
  /// The alert that caused the task (an automation policy's solution action, seed 000's
  /// `alarm_instance`); an empty Alert (no title, subject or message) when the task was created
  /// by create_task.
  const Alert& alarm() const noexcept { return alarm_; }

 private:
  bool can_wait(const char* what) {
    if (outcome_.next == SolutionOutcome::Next::finished) {
      log().warn(std::string(what) + " after set_finished; ignored");
      return false;
    }
    return true;
  }

  std::map<std::string, StepHandler, std::less<>> steps_;
  SolutionOutcome outcome_;
  TaskInfo task_;
  Alert alarm_;
  Poco::JSON::Object::Ptr state_ = new Poco::JSON::Object;
  Poco::JSON::Object::Ptr output_ = new Poco::JSON::Object;
};

}  // namespace warden
