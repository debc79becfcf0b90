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

/// resolve_inside, then read_text_file: the text of a file the folder itself holds (a symbolic link
/// out of the folder, a FIFO or a device is refused, with `error` set).
std::optional<std::string> read_file_inside(const std::filesystem::path& folder,
                                            const std::string& relative, std::size_t limit,
                                            std::string& error);

/// True when something (a file, a folder, even a dangling symbolic link) is at `path`; never
/// throws.
bool entry_exists(const std::filesystem::path& path);

/// True when `dir` holds a file of its own (anything but sub-folders and hidden entries): a folder
/// in a plugins directory is then a plugin folder, even without its manifest.json.
bool holds_files(const std::filesystem::path& dir);

/// True when `dir` holds a part of a plugin folder: manifest.json, help.md, templates/ or a library
/// (`*.so`, `*.so.N`). `warden validate DIR` checks such a DIR as one plugin folder.
bool holds_plugin_parts(const std::filesystem::path& dir);

}  // namespace warden::host
