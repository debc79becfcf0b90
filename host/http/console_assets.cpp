#include "host/http/console_assets.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <system_error>

namespace warden::host::http {
namespace {

constexpr std::uintmax_t kMaxFileBytes = 4 * 1024 * 1024;

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

/// Segments of letters, digits, `-`, `_` and `.`, none starting with a dot: no `..`, no hidden
/// file, nothing a shell or a file system reads specially.
bool plausible(std::string_view path) {
  if (path.empty() || path.front() != '/' || path.size() > 256) return false;
  std::size_t start = 1;
  while (start <= path.size()) {
    const auto end = std::min(path.find('/', start), path.size());
    const auto segment = path.substr(start, end - start);
    if (segment.empty() || segment.front() == '.') return false;
    for (char c : segment) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.';
      if (!ok) return false;
    }
    start = end + 1;
  }
  return true;
}

}  // namespace

ConsoleAssets ConsoleAssets::embedded() {
  return ConsoleAssets{};
}

ConsoleAssets ConsoleAssets::from_dir(const std::filesystem::path& dir) {
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error))
    throw std::invalid_argument("--ui-dir " + dir.string() + ": not a folder");
  ConsoleAssets assets;
  assets.dir_ = std::filesystem::canonical(dir);
  return assets;
}

std::vector<std::string> ConsoleAssets::paths() const {
  std::vector<std::string> out{"/"};
  if (!dir_) {
    for (const auto& file : embedded_console_files()) out.emplace_back(file.path);
    return out;
  }
  std::error_code error;
  for (auto it = std::filesystem::recursive_directory_iterator(*dir_, error);
       !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    if (it->is_symlink(error) || !it->is_regular_file(error)) continue;
    auto path = "/" + std::filesystem::relative(it->path(), *dir_, error).generic_string();
    if (plausible(path)) out.push_back(std::move(path));
  }
  return out;
}

std::string_view ConsoleAssets::content_type_of(std::string_view path) {
  if (ends_with(path, ".html")) return "text/html; charset=utf-8";
  if (ends_with(path, ".js") || ends_with(path, ".mjs")) return "text/javascript; charset=utf-8";
  if (ends_with(path, ".css")) return "text/css; charset=utf-8";
  if (ends_with(path, ".svg")) return "image/svg+xml";
  if (ends_with(path, ".png")) return "image/png";
  if (ends_with(path, ".ico")) return "image/x-icon";
  if (ends_with(path, ".json")) return "application/json";
  return "application/octet-stream";
}

std::optional<ConsoleAsset> ConsoleAssets::find(std::string_view path) const {
  if (path == "/") path = "/index.html";
  if (!plausible(path)) return std::nullopt;
  ConsoleAsset asset{std::string(content_type_of(path)), {}};
  if (!dir_) {
    for (const auto& file : embedded_console_files()) {
      if (file.path == path) {
        asset.body.assign(file.bytes);
        return asset;
      }
    }
    return std::nullopt;
  }
  // A link inside the folder could point out of it: the file's real place must be inside.
  std::error_code error;
  const auto real = std::filesystem::canonical(*dir_ / std::string(path.substr(1)), error);
  if (error) return std::nullopt;
  const auto [inside, rest] = std::mismatch(dir_->begin(), dir_->end(), real.begin(), real.end());
  if (inside != dir_->end() || !std::filesystem::is_regular_file(real, error) ||
      std::filesystem::file_size(real, error) > kMaxFileBytes || error) {
    return std::nullopt;
  }
  std::ifstream in(real, std::ios::binary);
  asset.body.assign(std::istreambuf_iterator<char>(in), {});
  if (!in.good() && !in.eof()) return std::nullopt;
  return asset;
}

}  // namespace warden::host::http
