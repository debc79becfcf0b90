#pragma once

#include "host/automation/action_record.hpp"

#include <warden/alert.hpp>

#include <Poco/JSON/Object.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace warden::host {

/// What one attempt of an action did. `pending`: it goes on elsewhere (a solution task) and the
/// engine hears its end later (ActionEngine::finish_pending).
struct ActionAttempt {
  enum class Outcome { success, failure, pending };
  Outcome outcome = Outcome::failure;
  std::string message;
  std::string task_id;                  ///< solution (and webhook, when run as a task)
  std::vector<std::string> notice_ids;  ///< notice
};

/// What an attempt is run with.
struct ActionInput {
  const ActionRecord& action;
  /// The alert(s) as templates see them: Alert::template_data() plus `signal`, `policy`,
  /// `action_id`, `alert_id`, `repeat` (1 for the first notice), and for an aggregated notice
  /// `alerts` (each one's template data) and `alert_count`.
  Poco::JSON::Object::Ptr data;
  const Alert& alert;  ///< the (first) alert: what a solution gets as alarm()
};

/// One kind of action (seed 002's processors). A new kind is one more entry in ActionKinds.
class ActionKind {
 public:
  virtual ~ActionKind() = default;
  virtual std::string name() const = 0;
  /// Checks the kind's params when a policy is saved, rendering its templates with `sample` (an
  /// alert whose fields and labels are all set). Problems go into `errors` keyed by `place` + field
  /// (`actions[0].channels`).
  virtual void check(const Poco::JSON::Object& params, const Alert& sample,
                     const std::string& place,
                     std::map<std::string, std::string>& errors) const = 0;
  /// Runs one attempt on an engine thread (may block for the attempt's I/O; bounded by the
  /// action's timeout). Never throws: a failure is an outcome.
  virtual ActionAttempt run(const ActionInput& input) const noexcept = 0;
};

/// The kinds by name (notice, solution, webhook, message_queue).
class ActionKinds {
 public:
  void add(std::unique_ptr<ActionKind> kind);
  const ActionKind* find(const std::string& name) const;
  std::vector<std::string> names() const;

 private:
  std::map<std::string, std::unique_ptr<ActionKind>> kinds_;
};

}  // namespace warden::host
