#pragma once

#include <absl/time/time.h>

#include <optional>
#include <string>
#include <string_view>

namespace warden::host {

/// The IANA time zone `name` (`Europe/Berlin`, `UTC`) from the system's tz database, through
/// Abseil's time zone library: past the last transition a file lists it applies the file's POSIX
/// rule, so daylight saving keeps going after 2037. nullopt for anything that is not a zone file's
/// name: only letters, digits, `_`, `-`, `+` in `/`-separated parts are looked up at all (no `..`,
/// no `localtime`, no absolute path), and only names with a file in the database reach Abseil,
/// which keeps every name it is asked for.
std::optional<absl::TimeZone> load_time_zone(std::string_view name);

/// An offset from UTC as ISO 8601 writes it: `+05:30`, `-04:00`, `+00:00`.
std::string offset_text(int seconds);

}  // namespace warden::host
