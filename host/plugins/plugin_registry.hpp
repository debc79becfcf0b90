#pragma once

#include "host/plugins/manifest.hpp"
#include "host/plugins/plugin_library.hpp"
#include "host/plugins/problem.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace warden::host {

class PluginHost;

/// One plugin folder as the host last saw it: loaded and usable, or refused with its problems.
struct PluginRecord {
  std::string key;  ///< the folder's name (the manifest's key when loaded)
  std::filesystem::path folder;
  std::optional<Manifest> manifest;  ///< set when the manifest itself was valid
  /// Set when the library is open in this process (a plugin run `in_process`); a plugin run in
  /// runner processes is never mapped by the host.
  std::shared_ptr<PluginLibrary> library;
  Problems problems;   ///< empty when loaded
  bool ready = false;  ///< checked and callable
  std::string isolation;  ///< where its code runs: "process" or "in_process" (set when loaded)
  /// Which load of the folder this is: runners kept for one load are not used for another.
  std::uint64_t generation = 0;
  /// Listed failed because it crashed too often: the next reload loads it again.
  bool crashed = false;

  bool loaded() const { return ready; }
};

/// Checks one plugin folder and, when valid, has `host` load it. `label` is how problems name the
/// folder.
PluginRecord load_plugin_folder(const std::filesystem::path& folder, const std::string& label,
                                PluginHost& host);

struct ReloadReport {
  std::vector<std::string> added, changed, removed, unchanged, failed;
};

/// Discovers `<dir>/<key>/` folders in the plugins directories, loads what is valid and keeps a
/// record of every folder. Thread-safe; records are immutable snapshots, so a reader keeps using
/// the one it got while a reload replaces it. A library stays loaded while anything it made is
/// alive.
class PluginRegistry {
 public:
  /// `host` loads and runs the plugins (default: in this process).
  explicit PluginRegistry(std::vector<std::filesystem::path> plugin_dirs,
                          std::shared_ptr<PluginHost> host = nullptr);
  ~PluginRegistry();

  /// Scans the directories: loads added folders, reloads changed ones (manifest, help, templates or
  /// library changed), forgets removed ones. Never throws for a bad plugin.
  ReloadReport reload();

  /// Every folder seen, sorted by key (a refused duplicate follows the folder that holds its key).
  std::vector<std::shared_ptr<const PluginRecord>> list() const;
  /// The record for `key`, loaded or not; nullptr when there is no such folder.
  std::shared_ptr<const PluginRecord> find(const std::string& key) const;
  /// Keys of the loaded plugins of one kind, sorted.
  std::vector<std::string> loaded_keys(Kind kind) const;

  const std::vector<std::filesystem::path>& directories() const { return dirs_; }

  /// Where the plugins run; tasks, timers and channels make their calls through it.
  PluginHost& host() const { return *host_; }

  /// Lists the plugin `key` failed with `reason` until the next reload, when its record is still
  /// the load `generation`.
  void mark_failed(const std::string& key, std::uint64_t generation, const std::string& reason);

  /// Another host list `options_from` may name (`channels`: the channel instances), kept by the
  /// part of the host that owns it; an empty `source` withdraws it.
  void provide_list(const std::string& name, std::function<std::vector<std::string>()> source);
  /// That list now, or nullopt when nothing provides it.
  std::optional<std::vector<std::string>> provided_list(const std::string& name) const;

 private:
  std::vector<std::filesystem::path> dirs_;
  std::shared_ptr<PluginHost> host_;
  std::mutex reload_mutex_;  // one reload at a time
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const PluginRecord>> records_;
  std::vector<std::shared_ptr<const PluginRecord>> duplicates_;  // later folders of a taken key
  std::map<std::filesystem::path, std::string>
      fingerprints_;  // what each folder's files looked like
  mutable std::mutex lists_mutex_;
  std::map<std::string, std::function<std::vector<std::string>()>> lists_;
};

/// The host's lists for `options_from`: `solutions`, `timer_actions`, and those provided to the
/// registry (`channels`); other lists are left unchecked.
OptionsProvider registry_options(const PluginRegistry& registry);

}  // namespace warden::host
