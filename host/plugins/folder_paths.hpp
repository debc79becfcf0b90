#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

namespace warden::host {

/// Resolves `relative` (as a manifest wrote it) inside `folder`, following symlinks, and refuses
/// any path that is absolute or ends up outside the folder. Returns the canonical path of an
/// existing regular file, or nullopt with `error` set ("escapes the plugin folder", "not found",
/// …).
std::optional<std::filesystem::path> resolve_inside(const std::filesystem::path& folder,
                                                    const std::string& relative,
                                                    std::string& error);

/// Reads a whole text file of at most `limit` bytes; nullopt with `error` set otherwise.
std::optional<std::string> read_text_file(const std::filesystem::path& file, std::size_t limit,
                                          std::string& error);

}  // namespace warden::host
