#include "host/services/logging.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <array>
#include <memory>
#include <stdexcept>
#include <utility>

namespace warden::host {
namespace {

constexpr std::array<std::pair<std::string_view, spdlog::level::level_enum>, 5> kLevels = {{
    {"trace", spdlog::level::trace},
    {"debug", spdlog::level::debug},
    {"info", spdlog::level::info},
    {"warn", spdlog::level::warn},
    {"error", spdlog::level::err},
}};

// 2026-01-31T12:00:00.123+01:00 [info] message
constexpr const char* kPattern = "%Y-%m-%dT%H:%M:%S.%e%z [%^%l%$] %v";

}  // namespace

spdlog::level::level_enum parse_log_level(std::string_view level) {
  for (const auto& [name, value] : kLevels)
    if (name == level) return value;
  throw std::invalid_argument("unknown log level \"" + std::string(level) +
                              "\" (use trace, debug, info, warn or error)");
}

void setup_logging(const std::string& level) {
  const auto parsed = parse_log_level(level);
  auto logger = std::make_shared<spdlog::logger>(
      "warden", std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  logger->set_pattern(kPattern);
  logger->set_level(parsed);
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace warden::host
