#include "host/store/session_store.hpp"

#include "host/store/database.hpp"
#include "host/store/sql_text.hpp"

#include <Poco/Base64Encoder.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/SHA2Engine.h>

#include <openssl/rand.h>

#include <array>
#include <sstream>
#include <stdexcept>

using namespace Poco::Data::Keywords;

namespace warden::host {
namespace {

std::string random_secret() {
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
    throw std::runtime_error("no random bytes for a session");
  std::ostringstream out;
  Poco::Base64Encoder encoder(out, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
  encoder.write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  encoder.close();
  return out.str();
}

}  // namespace

std::string SessionStore::hash(std::string_view secret) {
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  engine.update(secret.data(), static_cast<unsigned>(secret.size()));
  return Poco::DigestEngine::digestToHex(engine.digest());
}

SessionStore::Opened SessionStore::open(std::int64_t now_ms, std::int64_t ttl_ms) {
  Opened opened{random_secret(), now_ms + ttl_ms};
  std::string id_hash = hash(opened.secret);
  Poco::Int64 created = now_ms, expires = opened.expires_ms, now = now_ms;
  auto s = database_.session();
  s.begin();
  s << sql_for(s, "DELETE FROM console_sessions WHERE expires_ms <= ?"), use(now),
      Poco::Data::Keywords::now;
  s << sql_for(s,
               "INSERT INTO console_sessions (id_hash, created_ms, expires_ms) VALUES (?, ?, ?)"),
      use(id_hash), use(created), use(expires), Poco::Data::Keywords::now;
  s.commit();
  return opened;
}

std::optional<std::int64_t> SessionStore::expiry(std::string_view secret,
                                                 std::int64_t now_ms) const {
  // A cookie a browser could hold is 43 characters; anything else is not worth a query.
  if (secret.empty() || secret.size() > 128) return std::nullopt;
  std::string id_hash = hash(secret);
  Poco::Int64 now = now_ms;
  std::vector<Poco::Int64> expires;
  auto s = database_.session();
  s << sql_for(s, "SELECT expires_ms FROM console_sessions WHERE id_hash = ? AND expires_ms > ?"),
      use(id_hash), use(now), into(expires), Poco::Data::Keywords::now;
  if (expires.empty()) return std::nullopt;
  return expires.front();
}

bool SessionStore::close(std::string_view secret) {
  std::string id_hash = hash(secret);
  auto s = database_.session();
  Poco::Data::Statement statement(s);
  statement << sql_for(s, "DELETE FROM console_sessions WHERE id_hash = ?"), use(id_hash);
  return statement.execute() > 0;
}

}  // namespace warden::host
