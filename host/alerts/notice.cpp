#include "host/alerts/notice.hpp"

#include "host/runtime/ids.hpp"

#include <algorithm>

namespace warden::host {

namespace notice_status {
bool known(std::string_view s) {
  return s == created || s == sending || s == sent || s == failed || s == blocked;
}
bool ended(std::string_view s) {
  return s == sent || s == failed || s == blocked;
}
}  // namespace notice_status

std::string make_notice_id(std::int64_t unix_ms) {
  return "nt_" + uuid_v7(unix_ms);
}

std::string notice_id_floor(std::int64_t unix_ms) {
  // The UUID's first 12 hex digits (8, a dash, 4) are the 48 bits of milliseconds.
  const auto ms = static_cast<std::uint64_t>(std::clamp<std::int64_t>(unix_ms, 0, (1LL << 48) - 1));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "nt_";
  for (int digit = 11; digit >= 0; --digit) {
    if (digit == 3) out += '-';
    out += kHex[(ms >> (4 * digit)) & 0xF];
  }
  return out;
}

}  // namespace warden::host
