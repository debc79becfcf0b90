#include "host/plugins/plugin_library.hpp"

#include "host/plugins/folder_paths.hpp"

#include <warden/version.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <map>
#include <mutex>

namespace warden::host {
namespace fs = std::filesystem;

namespace {

/// The (device, inode) of every library path this process has open, so that a library replaced on
/// disk while its old version is still in use loads as a new image: the dynamic loader would
/// otherwise hand back the old one for the same path name.
class OpenedFiles {
 public:
  static OpenedFiles& instance() {
    static OpenedFiles files;
    return files;
  }
  bool other_version_open(const fs::path& path, dev_t dev, ino_t ino) {
    std::lock_guard lock(mutex_);
    auto it = files_.find(path);
    if (it == files_.end() || it->second.expired()) return false;
    auto [open_dev, open_ino] = identities_[path];
    return open_dev != dev || open_ino != ino;
  }
  void remember(const fs::path& path, dev_t dev, ino_t ino, std::weak_ptr<void> owner) {
    std::lock_guard lock(mutex_);
    files_[path] = std::move(owner);
    identities_[path] = {dev, ino};
  }

 private:
  std::mutex mutex_;
  std::map<fs::path, std::weak_ptr<void>> files_;
  std::map<fs::path, std::pair<dev_t, ino_t>> identities_;
};

/// An open file descriptor, closed on scope exit.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

std::string safe(const char* s) {
  return s ? s : "(null)";
}

}  // namespace

PluginLibrary::PluginLibrary(boost::dll::shared_library lib, const warden_plugin_entry_t* entry,
                             Manifest manifest, fs::path path)
    : lib_(std::move(lib)), entry_(entry), manifest_(std::move(manifest)), path_(std::move(path)) {}

std::shared_ptr<PluginLibrary> PluginLibrary::open(const fs::path& folder,
                                                   const std::string& folder_label,
                                                   const Manifest& manifest, Problems& problems) {
  const std::string manifest_file = folder_label + "/manifest.json";
  const std::string lib_file = folder_label + "/" + manifest.library;
  auto fail = [&](const std::string& file, const std::string& path, std::string message) {
    problems.push_back({file, path, std::move(message)});
    return nullptr;
  };

  if (manifest.sdk != WARDEN_SDK_MAJOR)
    return fail(manifest_file, "sdk",
                "built for SDK " + std::to_string(manifest.sdk) + ", but this host speaks SDK " +
                    std::to_string(WARDEN_SDK_MAJOR) + "; the library was not opened");
  std::string error;
  auto resolved = resolve_inside(folder, manifest.library, error);
  if (!resolved) return fail(manifest_file, "library", error);

  FileDescriptor fd(::open(resolved->c_str(), O_RDONLY | O_CLOEXEC));
  struct stat st {};
  if (fd.get() < 0 || ::fstat(fd.get(), &st) != 0)
    return fail(lib_file, "", std::string("cannot open: ") + std::strerror(errno));

  // Load by name when we can (debuggers and sanitizers then show the real path); through the
  // descriptor when an older image of the same path is still alive.
  fs::path load_path = *resolved;
  if (OpenedFiles::instance().other_version_open(*resolved, st.st_dev, st.st_ino))
    load_path = "/proc/self/fd/" + std::to_string(fd.get());

  boost::dll::shared_library lib;
  try {
    lib.load(load_path, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    return fail(lib_file, "", std::string("cannot load the library: ") + e.what());
  }
  if (!lib.has(WARDEN_PLUGIN_ENTRY_SYMBOL))
    return fail(lib_file, "",
                "no entry point \"" WARDEN_PLUGIN_ENTRY_SYMBOL
                "\" (build the plugin with WARDEN_PLUGIN(Class, \"key\"))");
  auto& entry_fn = lib.get<const warden_plugin_entry_t*() noexcept>(WARDEN_PLUGIN_ENTRY_SYMBOL);
  const warden_plugin_entry_t* entry = entry_fn();
  if (!entry) return fail(lib_file, "", "the entry point returned nothing");
  if (entry->sdk_major != WARDEN_SDK_MAJOR)
    return fail(lib_file, "",
                "the library was built with SDK " + std::to_string(entry->sdk_major) +
                    ", but this host speaks SDK " + std::to_string(WARDEN_SDK_MAJOR));
  if (safe(entry->key) != manifest.key)
    return fail(lib_file, "",
                "the library reports key \"" + safe(entry->key) + "\", but the manifest says \"" +
                    manifest.key + "\"");
  if (safe(entry->kind) != to_string(manifest.kind))
    return fail(lib_file, "",
                "the library reports kind \"" + safe(entry->kind) + "\", but the manifest says \"" +
                    to_string(manifest.kind) + "\"");
  if (!entry->create || !entry->destroy)
    return fail(lib_file, "", "the entry point has no factory");

  std::shared_ptr<PluginLibrary> library(
      new PluginLibrary(std::move(lib), entry, manifest, *resolved));
  if (!library->create(error)) return fail(lib_file, "", "the factory failed: " + error);
  OpenedFiles::instance().remember(*resolved, st.st_dev, st.st_ino, library);
  return library;
}

std::shared_ptr<Plugin> PluginLibrary::create(std::string& error) const {
  std::array<char, 512> message{};
  Plugin* raw = entry_->create(message.data(), message.size());
  if (!raw) {
    error = message[0] ? message.data() : "the factory returned nothing";
    return nullptr;
  }
  // The deleter holds the library, so it stays loaded until the object is destroyed by its own
  // code.
  auto self = shared_from_this();
  return std::shared_ptr<Plugin>(raw, [self](Plugin* p) { self->entry_->destroy(p); });
}

}  // namespace warden::host
