#pragma once

#include <warden/plugin.hpp>
#include <warden/status.hpp>

#include <Poco/JSON/Object.h>

namespace warden {

/// What a timer does when it fires (seed 001's `do(data, parent_data) -> bool`). `data` describes
/// the firing (timer, task, fire count); `parent_data` the task's condition and context. `config()`
/// holds the action's validated params.
class TimerAction : public Plugin {
 public:
  /// Return true when the action succeeded. May throw: the host records a failed firing.
  virtual bool do_action(const Poco::JSON::Object& data, const Poco::JSON::Object& parent_data) = 0;

  // ---- host-facing ----
  Status fire(const Poco::JSON::Object& data, const Poco::JSON::Object& parent_data) noexcept {
    return detail::guarded([&] {
      return do_action(data, parent_data) ? Status::success()
                                          : Status::failure("action returned false");
    });
  }
};

}  // namespace warden
