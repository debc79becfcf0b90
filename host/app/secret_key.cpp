#include "host/app/secret_key.hpp"

#include "host/store/database.hpp"
#include "host/store/secret_key_file.hpp"

#include <spdlog/spdlog.h>

#include <cstdlib>

namespace warden::host {

std::filesystem::path secret_key_file(const HostConfig& config) {
  if (!config.secret_key_file.empty()) return config.secret_key_file;
  return default_secret_key_file(config.database);
}

Database open_database(const HostConfig& config, bool create_key) {
  auto key = find_secret_key(std::getenv("WARDEN_SECRET_KEY"), secret_key_file(config), create_key);
  if (!key.box && config.database.starts_with("sqlite::memory:")) {
    // Nothing outlives the process: a key of its own is enough.
    key.box.emplace(random_secret_key(), "a key made for this in-memory database");
  }
  if (!key.box)
    throw SecretError("no secret key: " + key.where_looked() +
                      "; set WARDEN_SECRET_KEY or secret_key_file");
  try {
    Database database(config.database, std::move(key.box));
    if (key.created)
      spdlog::warn(
          "made a new secret key file {} (mode 0600): keep it, and apart from the "
          "database's backups; without it the stored secrets cannot be read",
          key.file.string());
    return database;
  } catch (const SecretKeyError&) {
    if (!key.created) throw;
    std::error_code ec;
    std::filesystem::remove(key.file, ec);  // ours, made a moment ago: nothing was sealed with it
    throw SecretKeyError("no secret key: " + key.where_looked() + ", but the database \"" +
                         redact_database_uri(config.database) +
                         "\" holds encrypted values; restore the key file (mode 0600) or set "
                         "WARDEN_SECRET_KEY");
  }
}

}  // namespace warden::host
