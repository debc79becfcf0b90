// The bundled `sleep` solution: waits `seconds` without holding a worker, then finishes.
#include <warden/warden.hpp>

#include <chrono>
#include <cstdint>
#include <limits>
#include <string>

namespace warden::plugins {
namespace {

// A wait the host can express in milliseconds without overflow.
constexpr std::int64_t kMaxSeconds = std::numeric_limits<std::int64_t>::max() / 1000;

}  // namespace

/// Waits `seconds` with `wait_callback("wake", …)`, then finishes with success. The number of
/// seconds is kept in `state()`, so the step "wake" may run in a new object after a restart.
class SleepSolution : public Solution {
 public:
  SleepSolution() {
    step("wake", [this](const Poco::Dynamic::Var&) { wake(); });
  }

  void run() override {
    const std::int64_t seconds = config().integer("seconds");
    if (seconds < 0 || seconds > kMaxSeconds) {
      set_finished("failure", "seconds must be between 0 and " + std::to_string(kMaxSeconds),
                   "invalid_condition");
      return;
    }
    state().set("seconds", seconds);
    if (seconds == 0) {
      finish(0);
      return;
    }
    log().info("sleeping " + std::to_string(seconds) + " s");
    wait_callback("wake", std::chrono::seconds(seconds));
  }

 private:
  void wake() {
    const auto seconds = state().has("seconds") ? state().getValue<std::int64_t>("seconds")
                                                : config().integer("seconds");
    finish(seconds);
  }

  void finish(std::int64_t seconds) {
    output().set("slept_seconds", seconds);
    set_finished("success", "slept " + std::to_string(seconds) + " s");
  }
};

}  // namespace warden::plugins

WARDEN_PLUGIN(warden::plugins::SleepSolution, "sleep")
