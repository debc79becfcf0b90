#pragma once

#include <Poco/Base64Encoder.h>
#include <Poco/HMACEngine.h>
#include <Poco/SHA2Engine.h>

#include <sstream>
#include <string>

namespace warden {

namespace detail {
/// SHA-256 for Poco::HMACEngine, which needs the block and digest sizes as constants.
class Sha256Engine : public Poco::SHA2Engine {
 public:
  enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };
  Sha256Engine() : Poco::SHA2Engine(Poco::SHA2Engine::SHA_256) {}
};
}  // namespace detail

/// Base64 (one line, padded) of HMAC-SHA256 over `message` keyed with `key`: the signature
/// DingTalk's and Lark's robots ask for.
inline std::string hmac_sha256_base64(const std::string& key, const std::string& message) {
  Poco::HMACEngine<detail::Sha256Engine> hmac(key);
  hmac.update(message);
  const auto& digest = hmac.digest();
  std::ostringstream out;
  Poco::Base64Encoder encoder(out);
  encoder.rdbuf()->setLineLength(0);
  encoder.write(reinterpret_cast<const char*>(digest.data()),
                static_cast<std::streamsize>(digest.size()));
  encoder.close();
  return out.str();
}

}  // namespace warden
