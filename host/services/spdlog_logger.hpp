#pragma once

#include <warden/logger.hpp>

#include <spdlog/logger.h>

#include <memory>
#include <string>
#include <string_view>

namespace warden::host {

/// The tag that names who logs: `plugin=<key>`, then ` task=<id>` and ` step=<name>` when given.
std::string plugin_log_tag(std::string_view plugin, std::string_view task = {},
                           std::string_view step = {});

/// A plugin object's Logger: every line goes to spdlog as "[<tag>] <message>".
class SpdlogLogger : public Logger {
 public:
  /// Logs to `target`, or to spdlog's default logger of the moment when `target` is null.
  explicit SpdlogLogger(std::string tag, std::shared_ptr<spdlog::logger> target = nullptr);

  void log(LogLevel level, std::string_view message) noexcept override;

  const std::string& tag() const noexcept { return tag_; }

 private:
  std::string tag_;
  std::shared_ptr<spdlog::logger> target_;
};

}  // namespace warden::host
