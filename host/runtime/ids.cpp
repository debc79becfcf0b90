#include "host/runtime/ids.hpp"

#include <array>
#include <random>

namespace warden::host {

std::string uuid_v7(std::int64_t unix_ms) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  std::array<std::uint8_t, 16> b{};
  const auto ms = static_cast<std::uint64_t>(unix_ms);
  for (int i = 0; i < 6; ++i) b[i] = static_cast<std::uint8_t>(ms >> (40 - 8 * i));
  const std::uint64_t r1 = random(), r2 = random();
  for (int i = 6; i < 16; ++i)
    b[i] = static_cast<std::uint8_t>((i < 11 ? r1 : r2) >> (8 * (i % 8)));
  b[6] = static_cast<std::uint8_t>(0x70 | (b[6] & 0x0F));  // version 7
  b[8] = static_cast<std::uint8_t>(0x80 | (b[8] & 0x3F));  // variant 10
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[b[i] >> 4];
    out += kHex[b[i] & 0x0F];
  }
  return out;
}

std::string make_task_id(const std::string& service, std::int64_t unix_ms) {
  return "ts_" + service + "_" + uuid_v7(unix_ms);
}

}  // namespace warden::host
