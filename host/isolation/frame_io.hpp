#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace warden::host {

/// The frames between the host and a runner process: a 4-byte big-endian length, then that many
/// bytes of JSON text.
inline constexpr std::size_t kMaxFrameBytes = std::size_t{64} << 20;

using Deadline = std::optional<std::chrono::steady_clock::time_point>;  ///< nullopt: none

enum class FrameStatus { ok, closed, timed_out, too_big, failed };

/// Writes one frame to the socket `fd`. `closed` when the peer is gone.
FrameStatus write_frame(int fd, std::string_view text, Deadline deadline = std::nullopt) noexcept;

/// Reads one frame from the socket `fd` into `out`, waiting until `deadline`.
FrameStatus read_frame(int fd, std::string& out, Deadline deadline = std::nullopt) noexcept;

const char* to_string(FrameStatus status) noexcept;

}  // namespace warden::host
