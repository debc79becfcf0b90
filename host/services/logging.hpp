#pragma once

#include <spdlog/common.h>

#include <string>
#include <string_view>

namespace warden::host {

/// Parses a log level name: trace, debug, info, warn or error. Throws std::invalid_argument naming
/// the bad level and the accepted ones.
spdlog::level::level_enum parse_log_level(std::string_view level);

/// Makes the process's default spdlog logger write to stderr (colored on a terminal), each line
/// starting with an ISO 8601 local time with its offset, at `level` and above. Throws
/// std::invalid_argument for an unknown level, leaving the current logger as it was.
void setup_logging(const std::string& level);

}  // namespace warden::host
