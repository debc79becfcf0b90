#pragma once

#include <exception>
#include <string>
#include <utility>

namespace warden {

/// What crosses the plugin boundary instead of an exception: `ok`, or a message a person can act
/// on.
struct Status {
  bool ok = true;
  std::string message;

  static Status success() { return {}; }
  static Status failure(std::string message) { return {false, std::move(message)}; }
};

namespace detail {

/// Runs `body` and turns any exception into a failed Status, so none leaves the plugin.
template <class Body>
Status guarded(Body&& body) noexcept {
  try {
    return std::forward<Body>(body)();
  } catch (const std::exception& e) {
    return Status::failure(e.what());
  } catch (...) {
    return Status::failure("unknown exception");
  }
}

}  // namespace detail
}  // namespace warden
