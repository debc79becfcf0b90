#include "host/plugins/plugin_registry.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include <sys/stat.h>

namespace warden::host {
namespace fs = std::filesystem;

namespace {

/// What a folder's files look like: every file's relative path, size, mtime and inode. A change to
/// the manifest, help, templates or library changes it.
std::string fingerprint(const fs::path& folder) {
  std::vector<std::string> lines;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(folder, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    std::error_code stat_ec;
    auto status = it->symlink_status(stat_ec);
    std::string line = it->path().lexically_relative(folder).string();
    if (fs::is_regular_file(status)) {
      struct stat st {};
      if (::stat(it->path().c_str(), &st) == 0)
        line += " " + std::to_string(st.st_size) + " " + std::to_string(st.st_mtim.tv_sec) + "." +
                std::to_string(st.st_mtim.tv_nsec) + " " + std::to_string(st.st_ino);
    }
    lines.push_back(std::move(line));
  }
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (auto& l : lines) out += l + "\n";
  return out;
}

std::vector<fs::path> plugin_folders(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    auto name = entry.path().filename().string();
    if (name.starts_with(".")) continue;  // hidden: editors' and tools' folders
    if (entry.is_directory(ec)) out.push_back(entry.path());
  }
  if (ec) spdlog::warn("cannot read plugins directory {}: {}", dir.string(), ec.message());
  std::sort(out.begin(), out.end());
  return out;
}

void log_record(const PluginRecord& record) {
  if (record.loaded()) {
    spdlog::info("plugin {} loaded ({} {} from {})", record.key, to_string(record.manifest->kind),
                 record.manifest->version, record.library->path().string());
    return;
  }
  spdlog::warn("plugin folder {} not loaded:", record.key);
  for (const auto& p : record.problems) spdlog::warn("  {}", p.to_string());
}

}  // namespace

PluginRecord load_plugin_folder(const fs::path& folder, const std::string& label) {
  PluginRecord record;
  record.key = label;
  record.folder = folder;
  record.manifest = read_manifest(folder, label, record.problems);
  if (record.manifest)
    record.library = PluginLibrary::open(folder, label, *record.manifest, record.problems);
  return record;
}

PluginRegistry::PluginRegistry(std::vector<fs::path> plugin_dirs) : dirs_(std::move(plugin_dirs)) {}

ReloadReport PluginRegistry::reload() {
  // Readers keep reading the old snapshot until the new one is swapped in.
  std::lock_guard reload_lock(reload_mutex_);
  std::map<std::string, std::shared_ptr<const PluginRecord>> previous;
  std::map<fs::path, std::string> previous_fingerprints;
  {
    std::lock_guard lock(mutex_);
    previous = records_;
    previous_fingerprints = fingerprints_;
  }

  ReloadReport report;
  std::map<std::string, std::shared_ptr<const PluginRecord>> next;
  std::map<std::string, fs::path> owner;  // key -> folder that provides it
  std::map<fs::path, std::string> next_fingerprints;
  std::vector<std::shared_ptr<const PluginRecord>> next_duplicates;

  for (const auto& dir : dirs_) {
    for (const auto& folder : plugin_folders(dir)) {
      const std::string key = folder.filename().string();
      if (auto it = owner.find(key); it != owner.end()) {
        auto duplicate = std::make_shared<PluginRecord>();
        duplicate->key = key;
        duplicate->folder = folder;
        duplicate->problems.push_back(
            {folder.string(), "",
             "duplicate key \"" + key + "\": already provided by " + it->second.string()});
        log_record(*duplicate);
        report.failed.push_back(key);
        next_duplicates.push_back(std::move(duplicate));
        continue;
      }
      owner[key] = folder;
      std::string print = fingerprint(folder);
      next_fingerprints[folder] = print;
      auto old = previous.find(key);
      const bool existed = old != previous.end();
      if (existed && old->second->folder == folder && previous_fingerprints[folder] == print) {
        next[key] = old->second;
        report.unchanged.push_back(key);
        continue;
      }
      auto record = std::make_shared<const PluginRecord>(load_plugin_folder(folder, key));
      log_record(*record);
      next[key] = record;
      (existed ? report.changed : report.added).push_back(key);
      if (!record->loaded()) report.failed.push_back(key);
    }
  }
  for (const auto& [key, record] : previous)
    if (!next.contains(key) && !owner.contains(key)) {
      report.removed.push_back(key);
      spdlog::info("plugin {} removed", key);
    }

  std::lock_guard lock(mutex_);
  records_ = std::move(next);
  duplicates_ = std::move(next_duplicates);
  fingerprints_ = std::move(next_fingerprints);
  return report;
}

std::vector<std::shared_ptr<const PluginRecord>> PluginRegistry::list() const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<const PluginRecord>> out;
  for (const auto& [key, record] : records_) {
    out.push_back(record);
    for (const auto& d : duplicates_)
      if (d->key == key) out.push_back(d);
  }
  return out;
}

std::shared_ptr<const PluginRecord> PluginRegistry::find(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = records_.find(key);
  return it == records_.end() ? nullptr : it->second;
}

std::vector<std::string> PluginRegistry::loaded_keys(Kind kind) const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [key, record] : records_)
    if (record->loaded() && record->manifest->kind == kind) out.push_back(key);
  return out;
}

void PluginRegistry::provide_list(const std::string& name,
                                  std::function<std::vector<std::string>()> source) {
  std::lock_guard lock(lists_mutex_);
  if (source)
    lists_[name] = std::move(source);
  else
    lists_.erase(name);
}

std::optional<std::vector<std::string>> PluginRegistry::provided_list(
    const std::string& name) const {
  std::function<std::vector<std::string>()> source;
  {
    std::lock_guard lock(lists_mutex_);
    const auto found = lists_.find(name);
    if (found == lists_.end()) return std::nullopt;
    source = found->second;
  }
  return source();
}

OptionsProvider registry_options(const PluginRegistry& registry) {
  return [&registry](const std::string& list) -> std::optional<std::vector<std::string>> {
    if (list == "solutions") return registry.loaded_keys(Kind::solution);
    if (list == "timer_actions") return registry.loaded_keys(Kind::timer_action);
    return registry.provided_list(list);
  };
}

}  // namespace warden::host
