#include "host/runtime/time_zone.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace warden::host {
namespace {

bool is_zone_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '+';
}

// Parts of letters, digits, '_', '-', '+', each starting with a letter: `America/Argentina/Salta`,
// `Etc/GMT+5`. Refuses `..`, empty parts, leading or trailing '/'.
bool looks_like_zone_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  bool part_start = true;
  for (char c : name) {
    if (c == '/') {
      if (part_start) return false;
      part_start = true;
      continue;
    }
    if (!is_zone_name_char(c)) return false;
    if (part_start && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return false;
    part_start = false;
  }
  return !part_start && name != "localtime";
}

std::filesystem::path zone_directory() {
  const char* dir = std::getenv("TZDIR");  // Abseil reads the same variable
  return dir != nullptr && *dir != '\0' ? dir : "/usr/share/zoneinfo";
}

}  // namespace

std::optional<absl::TimeZone> load_time_zone(std::string_view name) {
  if (name == "UTC") return absl::UTCTimeZone();
  if (!looks_like_zone_name(name)) return std::nullopt;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(zone_directory() / name, ec)) return std::nullopt;
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(std::string(name), &zone)) return std::nullopt;
  return zone;
}

std::string offset_text(int seconds) {
  const char sign = seconds < 0 ? '-' : '+';
  const int minutes = (seconds < 0 ? -seconds : seconds) / 60;
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%c%02d:%02d", sign, minutes / 60, minutes % 60);
  return buffer;
}

}  // namespace warden::host
