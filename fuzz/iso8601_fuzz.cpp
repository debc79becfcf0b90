// ISO 8601 date-times (host/runtime/iso_time): any text is read or refused with IsoTimeError, and
// what is read writes back as an instant that reads the same.
#include "fuzz/fuzz_input.hpp"
#include "host/runtime/iso_time.hpp"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace warden::host;
  IsoDateTime parsed;
  try {
    parsed = parse_iso8601(warden::fuzz::as_text(data, size));
  } catch (const IsoTimeError&) {
    return 0;
  }
  if (parsed.unix_ms < kFirstIsoMs || parsed.unix_ms > kLastIsoMs) std::abort();
  if (parse_iso8601(iso8601(parsed.unix_ms)).unix_ms != parsed.unix_ms) std::abort();
  return 0;
}
