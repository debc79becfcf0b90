#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace warden::host {

/// What a library file looked like: a copy still being written changes one of these.
struct FileLook {
  std::uintmax_t size = 0;
  std::int64_t mtime_ns = 0;
  bool operator==(const FileLook&) const = default;
};

/// How long to wait before a file last modified at `mtime_ns` has been still for `quiet`, at
/// `now_ns` (0 when it already has; `quiet` at most, for a clock that went back). Pure.
std::chrono::nanoseconds settle_wait(std::int64_t mtime_ns, std::int64_t now_ns,
                                     std::chrono::nanoseconds quiet);

/// The file's size and mtime; nullopt when it cannot be read.
std::optional<FileLook> look_at(const std::filesystem::path& file);

/// Waits until `library` has been still for `quiet` (at most that long); "" when it stayed still,
/// else why it is not loaded yet. A library still being copied in would load torn (or SIGBUS).
std::string wait_until_settled(const std::filesystem::path& library,
                               std::chrono::nanoseconds quiet = std::chrono::seconds(1));

}  // namespace warden::host
