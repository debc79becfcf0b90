#pragma once

#include <string_view>

namespace warden {

enum class LogLevel { trace, debug, info, warn, error };

/// The host's logger, already tagged with the plugin's key (and, for a solution, its task and
/// step). Never throws. Do not log secrets: the host masks `password` fields it knows of, not your
/// strings.
class Logger {
 public:
  virtual ~Logger() = default;
  virtual void log(LogLevel level, std::string_view message) noexcept = 0;

  void trace(std::string_view m) noexcept { log(LogLevel::trace, m); }
  void debug(std::string_view m) noexcept { log(LogLevel::debug, m); }
  void info(std::string_view m) noexcept { log(LogLevel::info, m); }
  void warn(std::string_view m) noexcept { log(LogLevel::warn, m); }
  void error(std::string_view m) noexcept { log(LogLevel::error, m); }
};

}  // namespace warden
