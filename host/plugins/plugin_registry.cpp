#include "host/plugins/plugin_registry.hpp"

#include "host/plugins/folder_paths.hpp"
#include "host/plugins/library_settle.hpp"
#include "host/plugins/plugin_host.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

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
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    const fs::path& entry = it->path();
    if (entry.filename().string().starts_with(".")) continue;  // editors' and tools' folders
    std::error_code type_ec;
    if (!it->is_directory(type_ec)) continue;
    // A folder of nothing but sub-folders (or nothing yet, while being copied in) is no plugin.
    if (holds_files(entry))
      out.push_back(entry);
    else
      spdlog::debug("{} holds no files: not a plugin folder", entry.string());
  }
  if (ec) spdlog::warn("cannot read plugins directory {}: {}", dir.string(), ec.message());
  std::sort(out.begin(), out.end());
  return out;
}

PluginRecord unreadable_folder(const fs::path& folder, const std::string& label,
                               const std::string& reason) {
  PluginRecord record;
  record.key = label;
  record.folder = folder;
  record.problems.push_back({label + "/", "", "cannot be checked: " + reason});
  return record;
}

void log_record(const PluginRecord& record) {
  if (record.loaded()) {
    spdlog::info("plugin {} loaded ({} {} from {})", record.key, to_string(record.manifest->kind),
                 record.manifest->version, record.folder.string());
    return;
  }
  spdlog::warn("plugin folder {} not loaded:", record.key);
  for (const auto& p : record.problems) spdlog::warn("  {}", p.to_string());
}

std::atomic<std::uint64_t> next_generation{1};

/// A reload in progress: what the registry held, and what it will hold.
struct Scan {
  PluginHost* host = nullptr;
  std::map<std::string, std::shared_ptr<const PluginRecord>> previous;
  std::map<fs::path, std::string> previous_fingerprints;
  ReloadReport report;
  std::map<std::string, std::shared_ptr<const PluginRecord>> next;
  std::map<std::string, fs::path> owner;  // key -> folder that provides it
  std::map<fs::path, std::string> fingerprints;
  std::vector<std::shared_ptr<const PluginRecord>> duplicates;
  std::vector<fs::path> to_load;  // new or changed folders, loaded after the scan
};

void keep_failed(Scan& scan, PluginRecord record) {
  log_record(record);
  const std::string key = record.key;
  const bool existed = scan.previous.contains(key);
  (existed ? scan.report.changed : scan.report.added).push_back(key);
  scan.report.failed.push_back(key);
  scan.owner.emplace(key, record.folder);
  scan.next[key] = std::make_shared<const PluginRecord>(std::move(record));
}

void refuse_duplicate(Scan& scan, const fs::path& folder, const fs::path& holder) {
  const std::string key = folder.filename().string();
  auto duplicate = std::make_shared<PluginRecord>();
  duplicate->key = key;
  duplicate->folder = folder;
  duplicate->problems.push_back(
      {folder.string(), "",
       "duplicate key \"" + key + "\": already provided by " + holder.string()});
  log_record(*duplicate);
  scan.report.failed.push_back(key);
  scan.duplicates.push_back(std::move(duplicate));
}

/// Keeps the folder's record when its files did not change; else notes it to be loaded afresh.
void scan_folder(const fs::path& folder, Scan& scan) {
  const std::string key = folder.filename().string();
  if (auto it = scan.owner.find(key); it != scan.owner.end())
    return refuse_duplicate(scan, folder, it->second);
  scan.owner[key] = folder;
  std::string print = fingerprint(folder);
  scan.fingerprints[folder] = print;
  auto old = scan.previous.find(key);
  const bool existed = old != scan.previous.end();
  if (existed && old->second->folder == folder && scan.previous_fingerprints[folder] == print &&
      !old->second->crashed) {
    scan.next[key] = old->second;
    scan.report.unchanged.push_back(key);
    return;
  }
  scan.to_load.push_back(folder);
}

/// Loads the folders the scan noted, several at once (each is checked in a process of its own,
/// which mostly waits), and files each record.
void load_noted(Scan& scan) {
  constexpr std::size_t kAtOnce = 8;
  std::vector<PluginRecord> loaded(scan.to_load.size());
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i; (i = next++) < scan.to_load.size();) {
      const auto& folder = scan.to_load[i];
      loaded[i] = load_plugin_folder(folder, folder.filename().string(), *scan.host);
    }
  };
  std::vector<std::thread> threads;
  for (std::size_t t = 1; t < std::min(kAtOnce, scan.to_load.size()); ++t)
    threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();
  for (auto& record : loaded) {
    const std::string key = record.key;
    auto shared = std::make_shared<const PluginRecord>(std::move(record));
    log_record(*shared);
    scan.next[key] = shared;
    (scan.previous.contains(key) ? scan.report.changed : scan.report.added).push_back(key);
    if (!shared->loaded()) scan.report.failed.push_back(key);
  }
}

}  // namespace

PluginRecord load_plugin_folder(const fs::path& folder, const std::string& label,
                                PluginHost& host) {
  PluginRecord record;
  record.key = label;
  record.folder = folder;
  record.generation = next_generation++;
  try {
    record.manifest = read_manifest(folder, label, record.problems);
    if (!record.manifest) return record;
    std::string error;
    if (const auto library = resolve_inside(folder, record.manifest->library, error)) {
      if (auto still = wait_until_settled(*library); !still.empty()) {
        record.problems.push_back({label + "/" + record.manifest->library, "", std::move(still)});
        return record;
      }
    }
    host.load(record);
  } catch (const std::exception& e) {
    // A checker's oversight must stay this folder's problem: never the host's.
    return unreadable_folder(folder, label, e.what());
  } catch (...) {
    return unreadable_folder(folder, label, "unknown exception");
  }
  return record;
}

PluginRegistry::PluginRegistry(std::vector<fs::path> plugin_dirs, std::shared_ptr<PluginHost> host)
    : dirs_(std::move(plugin_dirs)),
      host_(host ? std::move(host) : std::make_shared<InProcessHost>()) {
  host_->set_failure_listener(
      [this](const std::string& key, std::uint64_t generation, const std::string& reason) {
        mark_failed(key, generation, reason);
      });
}

PluginRegistry::~PluginRegistry() {
  host_->set_failure_listener(nullptr);
}

void PluginRegistry::mark_failed(const std::string& key, std::uint64_t generation,
                                 const std::string& reason) {
  std::lock_guard lock(mutex_);
  auto it = records_.find(key);
  if (it == records_.end() || it->second->generation != generation || it->second->crashed) return;
  auto failed = std::make_shared<PluginRecord>(*it->second);
  failed->ready = false;
  failed->crashed = true;
  failed->problems.push_back({key, "", reason});
  spdlog::error("plugin {} is failed until the next reload: {}", key, reason);
  it->second = std::move(failed);
}

ReloadReport PluginRegistry::reload() {
  // Readers keep reading the old snapshot until the new one is swapped in.
  std::lock_guard reload_lock(reload_mutex_);
  Scan scan;
  scan.host = host_.get();
  {
    std::lock_guard lock(mutex_);
    scan.previous = records_;
    scan.previous_fingerprints = fingerprints_;
  }
  for (const auto& dir : dirs_)
    for (const auto& folder : plugin_folders(dir)) {
      try {
        scan_folder(folder, scan);
      } catch (const std::exception& e) {  // e.g. out of memory while fingerprinting
        keep_failed(scan, unreadable_folder(folder, folder.filename().string(), e.what()));
      }
    }
  load_noted(scan);
  for (const auto& [key, record] : scan.previous)
    if (!scan.next.contains(key) && !scan.owner.contains(key)) {
      scan.report.removed.push_back(key);
      spdlog::info("plugin {} removed", key);
    }

  std::vector<std::shared_ptr<const PluginRecord>> retired;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [key, record] : records_) {
      auto next = scan.next.find(key);
      if (next == scan.next.end() || next->second->generation != record->generation)
        retired.push_back(record);
      else if (record->crashed)  // failed while this reload ran: it stays failed
        next->second = record;
    }
    records_ = std::move(scan.next);
    duplicates_ = std::move(scan.duplicates);
    fingerprints_ = std::move(scan.fingerprints);
  }
  for (const auto& record : retired) host_->retire(*record);
  return scan.report;
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
