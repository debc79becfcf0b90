#include "host/store/secret_box.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cctype>
#include <memory>

namespace warden::host {
namespace {

constexpr std::string_view kPrefix = "enc:1:";
constexpr int kNonceBytes = 12;
constexpr int kTagBytes = 16;

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

/// AES-256-GCM fetched once: OpenSSL 3 looks `EVP_aes_256_gcm()` up again at every init.
const EVP_CIPHER* aes_256_gcm() {
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
  static EVP_CIPHER* const fetched = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  if (fetched) return fetched;
#endif
  return EVP_aes_256_gcm();
}

CipherContext new_context() {
  CipherContext ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  if (!ctx) throw SecretError("cannot make a cipher context");
  return ctx;
}

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
unsigned char* bytes(std::string& s) {
  return reinterpret_cast<unsigned char*>(s.data());
}

std::string base64(std::string_view raw) {
  std::string out(4 * ((raw.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(bytes(out), bytes(raw), static_cast<int>(raw.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

/// Strict base64 (padded, no white space); nullopt-like empty result with ok=false on bad input.
bool unbase64(std::string_view text, std::string& out) {
  if (text.empty() || text.size() % 4 != 0) return false;
  for (char c : text)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '/' && c != '=')
      return false;
  out.assign(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(bytes(out), bytes(text), static_cast<int>(text.size()));
  if (n < 0) return false;
  std::size_t padding = 0;
  if (text.back() == '=') ++padding;
  if (text.size() > 1 && text[text.size() - 2] == '=') ++padding;
  out.resize(static_cast<std::size_t>(n) - padding);
  return true;
}

bool unhex(std::string_view text, std::string& out) {
  const auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (text.size() % 2) return false;
  out.clear();
  for (std::size_t i = 0; i < text.size(); i += 2) {
    const int hi = digit(text[i]), lo = digit(text[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

}  // namespace

SecretBox::SecretBox(std::string key, std::string origin)
    : key_(std::move(key)), origin_(std::move(origin)) {
  if (key_.size() != kKeyBytes)
    throw SecretError("secret key (" + origin_ + ") must be 32 bytes, not " +
                      std::to_string(key_.size()));
}

std::string SecretBox::seal(std::string_view plaintext, std::string_view aad) const {
  std::string raw(kNonceBytes + plaintext.size() + kTagBytes, '\0');
  auto* nonce = bytes(raw);
  if (RAND_bytes(nonce, kNonceBytes) != 1) throw SecretError("no random bytes for a nonce");
  auto ctx = new_context();
  int n = 0;
  bool ok =
      EVP_EncryptInit_ex(ctx.get(), aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, bytes(key_), nonce) == 1 &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &n, bytes(aad), static_cast<int>(aad.size())) == 1 &&
      EVP_EncryptUpdate(ctx.get(), nonce + kNonceBytes, &n, bytes(plaintext),
                        static_cast<int>(plaintext.size())) == 1 &&
      EVP_EncryptFinal_ex(ctx.get(), nonce + kNonceBytes + n, &n) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes,
                          nonce + kNonceBytes + plaintext.size()) == 1;
  if (!ok) throw SecretError("cannot encrypt a value of " + std::string(aad));
  return std::string(kPrefix) + base64(raw);
}

std::string SecretBox::open(std::string_view sealed, std::string_view aad) const {
  const std::string place(aad);
  if (!sealed.starts_with(kPrefix))
    throw SecretError(place + ": the stored value is not encrypted (or in an unknown format)");
  std::string raw;
  if (!unbase64(sealed.substr(kPrefix.size()), raw) ||
      raw.size() < static_cast<std::size_t>(kNonceBytes + kTagBytes))
    throw SecretError(place + ": the stored value is malformed");
  const std::size_t text_bytes = raw.size() - kNonceBytes - kTagBytes;
  std::string plaintext(text_bytes, '\0');
  auto* nonce = bytes(raw);
  auto ctx = new_context();
  int n = 0;
  bool ok =
      EVP_DecryptInit_ex(ctx.get(), aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, bytes(key_), nonce) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &n, bytes(aad), static_cast<int>(aad.size())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), bytes(plaintext), &n, nonce + kNonceBytes,
                        static_cast<int>(text_bytes)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes,
                          nonce + kNonceBytes + text_bytes) == 1;
  // The tag is checked last: a wrong key and an altered value look the same.
  if (!ok || EVP_DecryptFinal_ex(ctx.get(), bytes(plaintext) + n, &n) != 1)
    throw SecretError(place + ": the stored value does not decrypt with the secret key (" +
                      origin_ + "): a wrong key, or the value was altered");
  return plaintext;
}

std::string SecretBox::key_hex() const {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : key_) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

std::string random_secret_key() {
  std::string key(SecretBox::kKeyBytes, '\0');
  if (RAND_bytes(bytes(key), static_cast<int>(key.size())) != 1)
    throw SecretError("no random bytes for a secret key");
  return key;
}

std::string parse_secret_key(std::string_view text, const std::string& origin) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  std::string key;
  if (text.size() == 2 * SecretBox::kKeyBytes && unhex(text, key)) return key;
  if (unbase64(text, key) && key.size() == SecretBox::kKeyBytes) return key;
  throw SecretError("the secret key in " + origin +
                    " is not 64 hex digits or the base64 of 32 bytes (" +
                    std::to_string(text.size()) + " characters)");
}

}  // namespace warden::host
