#include "host/plugins/library_settle.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <thread>

namespace warden::host {

std::chrono::nanoseconds settle_wait(std::int64_t mtime_ns, std::int64_t now_ns,
                                     std::chrono::nanoseconds quiet) {
  const auto age = std::chrono::nanoseconds(now_ns - mtime_ns);
  if (age < std::chrono::nanoseconds::zero()) return quiet;  // written "in the future"
  return std::max(std::chrono::nanoseconds::zero(), quiet - age);
}

std::optional<FileLook> look_at(const std::filesystem::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return std::nullopt;
  return FileLook{
      static_cast<std::uintmax_t>(st.st_size),
      static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
}

std::string wait_until_settled(const std::filesystem::path& library,
                               std::chrono::nanoseconds quiet) {
  const auto before = look_at(library);
  if (!before) return {};  // opening it reports why
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const auto wait = settle_wait(
      before->mtime_ns, std::chrono::duration_cast<std::chrono::nanoseconds>(now).count(), quiet);
  if (wait == std::chrono::nanoseconds::zero()) return {};
  std::this_thread::sleep_for(wait);
  if (look_at(library) == before) return {};
  return "the library is still being written (its size or modification time changed within the "
         "last second); it is loaded at the next reload";
}

}  // namespace warden::host
