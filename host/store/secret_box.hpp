#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace warden::host {

/// A value that cannot be sealed or opened: a wrong key, an altered value, a malformed key.
class SecretError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// AES-256-GCM under one 32-byte key (OpenSSL EVP). A sealed value is text,
/// `enc:1:` + base64(nonce 12 | ciphertext | tag 16), with a fresh random nonce each time; the
/// additional data (a column's name) binds it to its place, so it cannot be moved to another
/// column. The key is never shown: not in `what()`, not in logs.
class SecretBox {
 public:
  static constexpr std::size_t kKeyBytes = 32;

  /// `origin` says where the key came from (`WARDEN_SECRET_KEY`, `key file var/warden.key`), for
  /// messages. Throws SecretError unless `key` is 32 bytes.
  SecretBox(std::string key, std::string origin);

  std::string seal(std::string_view plaintext, std::string_view aad) const;
  /// The plaintext; throws SecretError naming `aad` when the value is not sealed, malformed, or
  /// does not open under this key.
  std::string open(std::string_view sealed, std::string_view aad) const;
  static bool is_sealed(std::string_view text) { return text.starts_with("enc:"); }

  const std::string& origin() const { return origin_; }
  /// The key as 64 hex digits (what a key file holds).
  std::string key_hex() const;

 private:
  std::string key_;
  std::string origin_;
};

/// 32 random bytes from OpenSSL's generator.
std::string random_secret_key();
/// A key written as 64 hex digits or as base64 of 32 bytes (surrounding white space ignored).
/// Throws SecretError naming `origin` (never the text) otherwise.
std::string parse_secret_key(std::string_view text, const std::string& origin);

}  // namespace warden::host
