#pragma once
// Small helpers shared by the notice pipeline's translation units.

#include <warden/text.hpp>

#include <random>
#include <string>

namespace warden::host::pipeline_detail {

/// The most of a vendor's answer or an error a notice keeps.
inline constexpr std::size_t kMaxDetailBytes = 4096;

inline std::string clipped(const std::string& text) {
  return truncated(text, kMaxDetailBytes);
}

/// Uniform in [0, 1): where a retry's delay falls within its jitter.
inline double random01() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

}  // namespace warden::host::pipeline_detail
