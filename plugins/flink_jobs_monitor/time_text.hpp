#pragma once

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>

#include <cstdint>
#include <string>

namespace warden::plugins::flink {

/// Milliseconds since the epoch as ISO 8601 in UTC with an offset
/// (`2026-11-23T10:49:40.098+00:00`), or "" for Flink's "not yet" (-1 or 0).
inline std::string iso_time(std::int64_t epoch_ms) {
  if (epoch_ms <= 0) return {};
  const Poco::Timestamp at(static_cast<Poco::Timestamp::TimeVal>(epoch_ms) * 1000);
  return Poco::DateTimeFormatter::format(at, "%Y-%m-%dT%H:%M:%S.%i+00:00");
}

/// A duration as people read it: `45s`, `3m 20s`, `2h 5m`, `3d 4h`.
inline std::string human_duration(std::int64_t ms) {
  if (ms < 0) ms = 0;
  std::int64_t s = ms / 1000;
  const std::int64_t d = s / 86400, h = s / 3600 % 24, m = s / 60 % 60;
  s %= 60;
  if (d > 0) return std::to_string(d) + "d " + std::to_string(h) + "h";
  if (h > 0) return std::to_string(h) + "h " + std::to_string(m) + "m";
  if (m > 0) return std::to_string(m) + "m " + std::to_string(s) + "s";
  return std::to_string(s) + "s";
}

}  // namespace warden::plugins::flink
