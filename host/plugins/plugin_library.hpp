#pragma once

#include "host/plugins/manifest.hpp"
#include "host/plugins/problem.hpp"

#include <warden/entry.hpp>

#include <boost/dll/shared_library.hpp>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace warden::host {

/// A plugin's shared library, opened with Boost.DLL from inside its folder and checked against its
/// manifest. Objects it makes hold a reference to it, so it is unloaded only after the last one
/// dies.
class PluginLibrary : public std::enable_shared_from_this<PluginLibrary> {
 public:
  /// Opens `<folder>/<manifest.library>` after checking the manifest's SDK major, that the path
  /// stays inside the folder, the entry point, and the key, kind and SDK major it reports; then
  /// makes and destroys one object to check the factory. On any failure appends problems and
  /// returns nullptr.
  static std::shared_ptr<PluginLibrary> open(const std::filesystem::path& folder,
                                             const std::string& folder_label,
                                             const Manifest& manifest, Problems& problems);

  /// Makes a new object. Returns nullptr and sets `error` when the factory fails.
  std::shared_ptr<Plugin> create(std::string& error) const;

  template <class T>
  std::shared_ptr<T> create_as(std::string& error) const {
    return std::static_pointer_cast<T>(create(error));
  }

  const Manifest& manifest() const { return manifest_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  PluginLibrary(boost::dll::shared_library lib, const warden_plugin_entry_t* entry,
                Manifest manifest, std::filesystem::path path);

  boost::dll::shared_library lib_;
  const warden_plugin_entry_t* entry_;
  Manifest manifest_;
  std::filesystem::path path_;
};

}  // namespace warden::host
