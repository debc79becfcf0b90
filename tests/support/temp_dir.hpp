#pragma once

#include <filesystem>
#include <string>

namespace warden::test {

/// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  /// Writes `text` to `relative` (creating parent folders) and returns the full path.
  std::filesystem::path write(const std::string& relative, const std::string& text) const;

 private:
  std::filesystem::path path_;
};

/// Copies a folder recursively (plugin folders into a test's plugins directory).
void copy_folder(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace warden::test
