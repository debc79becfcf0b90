#include "host/services/spdlog_logger.hpp"

#include <spdlog/spdlog.h>

namespace warden::host {
namespace {

spdlog::level::level_enum to_spdlog(LogLevel level) {
  switch (level) {
    case LogLevel::trace:
      return spdlog::level::trace;
    case LogLevel::debug:
      return spdlog::level::debug;
    case LogLevel::info:
      return spdlog::level::info;
    case LogLevel::warn:
      return spdlog::level::warn;
    case LogLevel::error:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

/// A plugin's message on one line: a line break in it would start a line without the tag (and could
/// forge a line that seems to come from elsewhere).
std::string one_line(std::string_view message) {
  std::string out;
  out.reserve(message.size());
  for (char c : message) {
    if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else
      out += c;
  }
  return out;
}

}  // namespace

std::string plugin_log_tag(std::string_view plugin, std::string_view task, std::string_view step) {
  std::string tag = "plugin=" + std::string(plugin);
  if (!task.empty()) tag += " task=" + std::string(task);
  if (!step.empty()) tag += " step=" + std::string(step);
  return tag;
}

SpdlogLogger::SpdlogLogger(std::string tag, std::shared_ptr<spdlog::logger> target)
    : tag_(std::move(tag)), target_(std::move(target)) {}

void SpdlogLogger::log(LogLevel level, std::string_view message) noexcept {
  try {
    spdlog::logger* target = target_ ? target_.get() : spdlog::default_logger_raw();
    const auto spd_level = to_spdlog(level);
    if (!target || !target->should_log(spd_level)) return;
    target->log(spd_level, "[{}] {}", tag_, one_line(message));
  } catch (...) {
    // A logger never throws; a line that cannot be written is lost.
  }
}

}  // namespace warden::host
