#pragma once

#include <warden/config.hpp>
#include <warden/host_services.hpp>

#include <cassert>
#include <string>
#include <utility>
#include <vector>

namespace warden {

enum class Kind { solution, alert_channel, timer_action };

inline const char* to_string(Kind kind) {
  switch (kind) {
    case Kind::solution:
      return "solution";
    case Kind::alert_channel:
      return "alert_channel";
    case Kind::timer_action:
      return "timer_action";
  }
  return "unknown";
}

/// One choice of a `selectable` or `multi_selectable` field, supplied by the plugin at run time:
/// what the form shows, and the value the configuration then holds.
struct SelectOption {
  std::string label;
  std::string value;
};

/// The common base of every plugin object. The host makes one object per use (a task, a channel
/// instance, a timer firing) through the plugin's factory, then calls `bind` before anything else.
/// Construct cheaply and do no I/O in the constructor: the host also makes a throw-away object when
/// it loads the plugin, to check that the factory works.
class Plugin {
 public:
  virtual ~Plugin() = default;
  Plugin() = default;
  Plugin(const Plugin&) = delete;
  Plugin& operator=(const Plugin&) = delete;

  /// The choices of the `selectable` / `multi_selectable` field `field` (one without
  /// `options_from`), when the host reads the plugin's form (GET /api/plugins/{key}) and when it
  /// dry-runs a configuration (check_config). Empty (the default): the manifest's `options` stand.
  /// Called on a fresh object bound to the host's services and an EMPTY config: no configuration
  /// exists while a form is read. Keep it quick (the host waits at most 5 s) and at most 1,000
  /// options; throwing, or anything larger, leaves the manifest's options and an `options_error`.
  virtual std::vector<SelectOption> select_options(const std::string& field) {
    (void)field;
    return {};
  }

  /// Host-facing: hands the object its services and validated configuration.
  void bind(HostServices& host, Config config) noexcept {
    host_ = &host;
    config_ = std::move(config);
  }

 protected:
  /// The validated configuration of this use (a channel's config, a task's condition, a timer
  /// action's params).
  const Config& config() const noexcept { return config_; }
  Logger& log() const noexcept { return services().logger(); }
  HttpClient& http() const noexcept { return services().http(); }
  TemplateRenderer& templates() const noexcept { return services().templates(); }
  /// Raises an alert through the host's notice pipeline (see AlertSink::raise): to `channels`, or
  /// every enabled channel instance when empty. False (and a warning in the log) when refused.
  bool raise_alert(const Alert& alert,
                   const std::vector<std::string>& channels = {}) const noexcept {
    std::string error;
    if (services().alerts().raise(alert, channels, error)) return true;
    try {
      log().warn("alert \"" + alert.title + "\" not raised: " + error);
    } catch (...) {  // out of memory: the answer still says it was not raised
    }
    return false;
  }

 private:
  HostServices& services() const noexcept {
    assert(host_ && "the host binds services before calling a plugin");
    return *host_;
  }

  HostServices* host_ = nullptr;
  Config config_;
};

}  // namespace warden
