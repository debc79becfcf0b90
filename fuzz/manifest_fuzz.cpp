// The manifest checker with help.md merged (host/plugins/manifest, help_markdown): the input is
// manifest.json, then after a NUL byte help.md (no help.md when there is no NUL). Both are written
// into one plugin folder and read as the loader reads it: a manifest, or problems with their place.
#include "fuzz/fuzz_input.hpp"
#include "host/plugins/help_markdown.hpp"
#include "host/plugins/manifest.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

namespace fs = std::filesystem;

/// Made once and never destroyed: the exit handler that removes it runs after static destructors.
const fs::path& plugin_folder() {
  static const fs::path* folder = [] {
    std::string pattern = (fs::temp_directory_path() / "warden-manifest-fuzz-XXXXXX").string();
    if (!mkdtemp(pattern.data())) std::abort();
    return new fs::path(pattern);
  }();
  return *folder;
}

void write(const fs::path& file, std::string_view text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::atexit([] { fs::remove_all(plugin_folder()); });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace warden::host;
  const auto text = warden::fuzz::as_text(data, size);
  const auto [manifest, help] = warden::fuzz::split_at_nul(text);
  const auto& folder = plugin_folder();
  write(folder / "manifest.json", manifest);
  if (text.find('\0') != std::string_view::npos) {
    write(folder / "help.md", help);
  } else {
    fs::remove(folder / "help.md");
  }
  Problems problems;
  const auto read = read_manifest(folder, "fuzz", problems);
  if (read.has_value() == !problems.empty()) std::abort();  // one or the other, never both
  (void)split_help(help);
  return 0;
}
