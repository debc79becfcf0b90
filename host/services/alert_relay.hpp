#pragma once

#include <warden/alert_sink.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace warden::host {

/// Forwards alerts raised by plugins to the notice pipeline once it exists (the services are made
/// before it, and plugins may hold them longer). Thread-safe.
class AlertRelay {
 public:
  /// Stores the notices for `alert` or throws std::exception with the reason.
  using Target = std::function<void(const Alert& alert, const std::vector<std::string>& channels,
                                    const std::string& origin)>;

  /// Connects the pipeline; an empty target disconnects it (alerts are refused from then on).
  void attach(Target target) {
    std::lock_guard lock(mutex_);
    target_ = std::make_shared<const Target>(std::move(target));
  }

  bool raise(const Alert& alert, const std::vector<std::string>& channels,
             const std::string& origin, std::string& error) const noexcept {
    try {
      std::shared_ptr<const Target> target;
      {
        std::lock_guard lock(mutex_);
        target = target_;
      }
      if (!target || !*target) {
        error = "this host has no alert pipeline running";
        return false;
      }
      (*target)(alert, channels, origin);
      return true;
    } catch (const std::exception& e) {
      error = e.what();
    } catch (...) {
      error = "unknown error";
    }
    return false;
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const Target> target_;
};

/// One plugin object's AlertSink: the relay, with the plugin named as the alerts' origin.
class PluginAlertSink : public AlertSink {
 public:
  PluginAlertSink(std::shared_ptr<AlertRelay> relay, std::string origin)
      : relay_(std::move(relay)), origin_(std::move(origin)) {}

  bool raise(const Alert& alert, const std::vector<std::string>& channels,
             std::string& error) noexcept override {
    if (!relay_) {
      error = "this host has no alert pipeline";
      return false;
    }
    return relay_->raise(alert, channels, origin_, error);
  }

 private:
  std::shared_ptr<AlertRelay> relay_;
  std::string origin_;
};

}  // namespace warden::host
