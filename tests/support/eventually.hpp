#pragma once

#include <chrono>
#include <string_view>
#include <thread>

namespace warden::test {

/// Asks `done` every 20 ms until it holds or `limit` has passed (a busy machine is slow, never
/// wrong); the last look decides.
template <class Predicate>
bool eventually(Predicate done, std::chrono::milliseconds limit = std::chrono::seconds(60)) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

inline bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

}  // namespace warden::test
