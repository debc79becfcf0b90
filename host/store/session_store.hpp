#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace warden::host {

class Database;

/// The console's sign-in sessions. A session is a random secret (the cookie's value) whose SHA-256
/// alone is stored, with its expiry, in the shared database: any host accepts it, and a sign-out
/// ends it on every host. Times are the caller's wall clock, in ms.
class SessionStore {
 public:
  explicit SessionStore(const Database& database) : database_(database) {}

  struct Opened {
    std::string secret;  ///< 43 characters of base64url: 256 random bits
    std::int64_t expires_ms = 0;
  };
  /// Stores a new session lasting `ttl_ms`; sessions that have expired are deleted on the way.
  Opened open(std::int64_t now_ms, std::int64_t ttl_ms);
  /// The expiry of the session `secret` when it exists and has not expired.
  std::optional<std::int64_t> expiry(std::string_view secret, std::int64_t now_ms) const;
  /// Ends the session `secret`; false when there was none.
  bool close(std::string_view secret);

  /// The stored form of a secret: its SHA-256 in hex.
  static std::string hash(std::string_view secret);

 private:
  const Database& database_;
};

}  // namespace warden::host
