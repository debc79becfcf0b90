#pragma once

#include <cstdint>
#include <string>

namespace warden::host {

/// Milliseconds since the Unix epoch as ISO 8601 with an offset, in UTC:
/// `2026-11-23T10:35:04.123+00:00`.
std::string iso8601(std::int64_t unix_ms);

}  // namespace warden::host
