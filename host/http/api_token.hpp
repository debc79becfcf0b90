#pragma once

#include <array>
#include <string>
#include <string_view>

namespace warden::host::http {

/// The API token of SPEC §5. Checks an Authorization header in constant time: both sides are
/// hashed with SHA-256 and the digests compared with CRYPTO_memcmp, so neither the token's content
/// nor its length leaks through timing. An empty token accepts nothing.
class ApiToken {
 public:
  explicit ApiToken(std::string_view token);

  /// True when `authorization` is `<token>` or `Bearer <token>` (the scheme in any case).
  bool accepts(std::string_view authorization) const;
  bool empty() const { return empty_; }

 private:
  using Digest = std::array<unsigned char, 32>;
  static Digest digest(std::string_view text);
  bool matches(std::string_view candidate) const;

  Digest digest_{};
  bool empty_ = true;
};

}  // namespace warden::host::http
