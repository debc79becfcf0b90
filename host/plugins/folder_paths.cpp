#include "host/plugins/folder_paths.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace warden::host {
namespace fs = std::filesystem;

namespace {

bool is_within(const fs::path& inner, const fs::path& outer) {
  auto [outer_end, inner_it] =
      std::mismatch(outer.begin(), outer.end(), inner.begin(), inner.end());
  return outer_end == outer.end();
}

}  // namespace

std::optional<fs::path> resolve_inside(const fs::path& folder, const std::string& relative,
                                       std::string& error) {
  fs::path given(relative);
  if (relative.empty()) {
    error = "path is empty";
    return std::nullopt;
  }
  if (given.is_absolute()) {
    error = "path \"" + relative + "\" is absolute; it must be relative to the plugin folder";
    return std::nullopt;
  }
  std::error_code ec;
  fs::path root = fs::canonical(folder, ec);
  if (ec) {
    error = "cannot resolve the plugin folder: " + ec.message();
    return std::nullopt;
  }
  fs::path lexical = (root / given).lexically_normal();
  if (!is_within(lexical, root)) {
    error = "path \"" + relative + "\" escapes the plugin folder";
    return std::nullopt;
  }
  if (!fs::exists(lexical, ec)) {
    error = "\"" + relative + "\" not found in the plugin folder";
    return std::nullopt;
  }
  fs::path real = fs::canonical(lexical, ec);
  if (ec || !is_within(real, root)) {
    error = "path \"" + relative + "\" escapes the plugin folder (through a symbolic link)";
    return std::nullopt;
  }
  if (!fs::is_regular_file(real, ec)) {
    error = "\"" + relative + "\" is not a regular file";
    return std::nullopt;
  }
  return real;
}

std::optional<std::string> read_text_file(const fs::path& file, std::size_t limit,
                                          std::string& error) {
  std::error_code ec;
  auto size = fs::file_size(file, ec);
  if (ec) {
    error = "cannot read: " + ec.message();
    return std::nullopt;
  }
  if (size > limit) {
    error = "file is larger than " + std::to_string(limit) + " bytes";
    return std::nullopt;
  }
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) {
    error = "cannot read file";
    return std::nullopt;
  }
  return text.str();
}

std::optional<std::string> read_file_inside(const fs::path& folder, const std::string& relative,
                                            std::size_t limit, std::string& error) {
  auto resolved = resolve_inside(folder, relative, error);
  if (!resolved) return std::nullopt;
  return read_text_file(*resolved, limit, error);
}

bool entry_exists(const fs::path& path) {
  std::error_code ec;
  return fs::exists(fs::symlink_status(path, ec));
}

bool holds_files(const fs::path& dir) {
  std::error_code ec;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    if (it->path().filename().string().starts_with(".")) continue;
    std::error_code type_ec;
    if (!it->is_directory(type_ec)) return true;
  }
  return false;
}

bool holds_plugin_parts(const fs::path& dir) {
  if (entry_exists(dir / "manifest.json") || entry_exists(dir / "help.md") ||
      entry_exists(dir / "templates"))
    return true;
  std::error_code ec;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.ends_with(".so") || name.find(".so.") != std::string::npos) return true;
  }
  return false;
}

}  // namespace warden::host
