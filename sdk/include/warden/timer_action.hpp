#pragma once

#include <warden/plugin.hpp>
#include <warden/status.hpp>

#include <Poco/JSON/Object.h>

namespace warden {

/// What a timer does when it fires (seed 001's `do(data, parent_data) -> bool`). `data` describes
/// the firing (timer, task, fire count); `parent_data` the task's condition and context. `config()`
/// holds the action's validated params; `state()` what the timer's firings keep between them.
class TimerAction : public Plugin {
 public:
  /// Return true when the action succeeded. May throw: the host records a failed firing.
  virtual bool do_action(const Poco::JSON::Object& data, const Poco::JSON::Object& parent_data) = 0;

  // ---- host-facing ----
  void restore_state(Poco::JSON::Object::Ptr state) {
    state_ = state ? state : Poco::JSON::Object::Ptr(new Poco::JSON::Object);
  }
  Poco::JSON::Object::Ptr state_json() const { return state_; }

  Status fire(const Poco::JSON::Object& data, const Poco::JSON::Object& parent_data) noexcept {
    return detail::guarded([&] {
      return do_action(data, parent_data) ? Status::success()
                                          : Status::failure("action returned false");
    });
  }

 protected:
  /// What this timer keeps from one firing to the next (a monitor's last-known job states). The
  /// host restores it before each firing and stores it after, even when the firing fails or
  /// throws, so it survives restarts. Each object is used for one firing: keep what a later
  /// firing needs here, never in members. Keep it small: it is written at every firing.
  Poco::JSON::Object& state() noexcept { return *state_; }

 private:
  Poco::JSON::Object::Ptr state_ = new Poco::JSON::Object;
};

}  // namespace warden
