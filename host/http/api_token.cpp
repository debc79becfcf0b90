#include "host/http/api_token.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cctype>
#include <stdexcept>

namespace warden::host::http {
namespace {

bool starts_with_bearer(std::string_view text) {
  constexpr std::string_view kScheme = "bearer ";
  if (text.size() < kScheme.size()) return false;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != kScheme[i]) return false;
  }
  return true;
}

}  // namespace

ApiToken::ApiToken(std::string_view token) : digest_(digest(token)), empty_(token.empty()) {}

ApiToken::Digest ApiToken::digest(std::string_view text) {
  Digest out{};
  unsigned int length = 0;
  if (EVP_Digest(text.data(), text.size(), out.data(), &length, EVP_sha256(), nullptr) != 1 ||
      length != out.size()) {
    throw std::runtime_error("SHA-256 digest failed");
  }
  return out;
}

bool ApiToken::matches(std::string_view candidate) const {
  const Digest presented = digest(candidate);
  return CRYPTO_memcmp(presented.data(), digest_.data(), digest_.size()) == 0;
}

bool ApiToken::accepts(std::string_view authorization) const {
  if (empty_) return false;
  // The header as a whole is compared too, so a token that itself begins with "Bearer " works.
  const bool as_is = matches(authorization);
  bool as_bearer = false;
  if (starts_with_bearer(authorization)) {
    std::string_view rest = authorization.substr(7);
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    as_bearer = matches(rest);
  }
  return as_is || as_bearer;
}

}  // namespace warden::host::http
