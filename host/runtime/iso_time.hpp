#pragma once

#include <absl/time/time.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace warden::host {

/// Text that is not a date-time Warden reads. The message quotes the text and names what is wrong:
/// `date-time "2027-6-01T00:00:00Z": the month must be exactly 2 digits`.
class IsoTimeError : public std::invalid_argument {
 public:
  IsoTimeError(std::string_view text, const std::string& reason)
      : std::invalid_argument("date-time \"" + std::string(text) + "\": " + reason),
        reason_(reason) {}
  /// What is wrong, without the text: `the month must be exactly 2 digits`.
  const std::string& reason() const { return reason_; }

 private:
  std::string reason_;
};

/// The instants Warden reads and writes: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z (a
/// later year would need ISO 8601's expanded, signed form).
inline constexpr std::int64_t kFirstIsoMs = -62'135'596'800'000;
inline constexpr std::int64_t kLastIsoMs = 253'402'300'799'999;

/// A date-time as written: the instant, the offset it was written with, and its region if any.
struct IsoDateTime {
  std::int64_t unix_ms = 0;
  int offset_seconds = 0;  ///< Z is 0
  std::string region;      ///< `Europe/Berlin` of `…+02:00[Europe/Berlin]`; empty without one
  /// The zone its calendar counts in: the region when it has one, else its fixed offset.
  absl::TimeZone zone;
};

/// The one reader of ISO 8601 date-times, for every route and every timer:
/// `YYYY-MM-DDTHH:MM:SS[.f](Z|±HH:MM)[Region]`.
/// - every field has exactly its digits (`2027-6-01` and `T0:00` are refused); month, day,
///   hour (00-23), minute and second (00-59) must exist; a fraction has 1 to 9 digits, kept to
///   the millisecond (digits past the third are dropped);
/// - `Z` or an offset `±HH:MM` of at most ±14:00 is required;
/// - a region in brackets is an IANA zone; the offset must be the region's at that moment: a
///   local time skipped by a daylight-saving change is refused, one that occurs twice takes
///   either of its offsets;
/// - the instant lies in years 0001 to 9999 (UTC).
/// Throws IsoTimeError.
IsoDateTime parse_iso8601(std::string_view text);

/// Milliseconds since the Unix epoch as ISO 8601 with an offset, in UTC:
/// `2026-11-23T10:35:04.123+00:00`.
std::string iso8601(std::int64_t unix_ms);

/// The same time to the second, with Z: `2026-11-23T10:35:04Z` (a date_time field's stored form).
std::string iso8601_utc_seconds(std::int64_t unix_ms);

}  // namespace warden::host
