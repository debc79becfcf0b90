#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace warden::host::http {

/// One file of the console as compiled in: its path under `/` and its bytes.
struct EmbeddedFile {
  std::string_view path;  ///< "/index.html", "/pages/tasks.js"
  std::string_view bytes;
};

/// The console's files compiled into the binary (generated from console/ by
/// cmake/embed_console.cmake).
const std::vector<EmbeddedFile>& embedded_console_files();

/// A file the console serves.
struct ConsoleAsset {
  std::string content_type;
  std::string body;
};

/// Where the console's files come from: the binary (the default), or a folder read at every request
/// (`--ui-dir`, for development). Paths are looked up as sent; nothing outside the folder is read.
class ConsoleAssets {
 public:
  static ConsoleAssets embedded();
  /// Throws std::invalid_argument when `dir` is not a folder.
  static ConsoleAssets from_dir(const std::filesystem::path& dir);

  /// The file at `path` ("/" is "/index.html"); nullopt when there is none, or the path is not one
  /// the console could have (`..`, a hidden file, a file over 4 MiB, outside the folder).
  std::optional<ConsoleAsset> find(std::string_view path) const;

  /// Every path `find` answers, "/" included: the embedded files, or the folder's as they are now
  /// (a file added to the folder later is served after a restart; a changed one at once).
  std::vector<std::string> paths() const;

  static std::string_view content_type_of(std::string_view path);

 private:
  std::optional<std::filesystem::path> dir_;  ///< nullopt: embedded
};

}  // namespace warden::host::http
