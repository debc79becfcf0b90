#pragma once

#include "host/store/secret_box.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace warden::host {

/// The key file used when `secret_key_file` is not configured: beside the SQLite file, its
/// extension replaced by `.key` (`sqlite:var/warden.db` → `var/warden.key`). Empty for an
/// in-memory database or a URI that names no file.
std::filesystem::path default_secret_key_file(const std::string& database_uri);

/// Reads a key file: a regular file readable by its owner only (mode 0600 or stricter, as ssh
/// asks of a private key), holding the key as 64 hex digits. Throws SecretError naming the file.
std::string read_secret_key_file(const std::filesystem::path& file);

/// Writes `key` (hex) to a new file of mode 0600 whatever the umask; refuses to replace an existing
/// file (O_EXCL). Its folder is made when missing. Throws SecretError naming the file.
void write_secret_key_file(const std::filesystem::path& file, const SecretBox& key);

/// Where the key comes from: `WARDEN_SECRET_KEY` (its value passed as `env_key`) wins; else the key
/// file. When the file is absent and `create` is set, a random key is written there and
/// `created` says so (the caller removes it again if the database turns out to need another key).
struct SecretKeySource {
  std::optional<SecretBox> box;  ///< absent: no key anywhere (and nothing created)
  bool created = false;
  std::filesystem::path file;  ///< the key file looked at (empty when the key came from env)
  /// "WARDEN_SECRET_KEY is not set and <file> does not exist": for a missing-key message.
  std::string where_looked() const;
};
SecretKeySource find_secret_key(const char* env_key, const std::filesystem::path& file,
                                bool create);

}  // namespace warden::host
