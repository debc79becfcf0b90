#include "host/app/commands.hpp"
#include "host/app/secret_key.hpp"
#include "host/store/sealed_columns.hpp"
#include "host/store/secret_key_file.hpp"

#include <cstdlib>
#include <iostream>

namespace warden::host {

int rekey(const std::optional<std::filesystem::path>& config_file, const ConfigOverrides& overrides,
          const std::string& new_key_file) {
  HostConfig config;
  try {
    config = load_host_config(config_file, overrides);
  } catch (const std::exception& e) {
    std::cerr << "warden rekey: " << e.what() << "\n";
    return 2;
  }
  const char* new_env = std::getenv("WARDEN_NEW_SECRET_KEY");
  if ((!new_env || !*new_env) && new_key_file.empty()) {
    std::cerr << "warden rekey: name the new key's file with --new-key-file (or give the new key "
                 "in WARDEN_NEW_SECRET_KEY)\n";
    return 2;
  }
  bool wrote_file = false;
  try {
    auto database = open_database(config, false);
    const std::string origin =
        new_key_file.empty() ? "WARDEN_NEW_SECRET_KEY" : "key file " + new_key_file;
    SecretBox next(new_env && *new_env ? parse_secret_key(new_env, "WARDEN_NEW_SECRET_KEY")
                                       : random_secret_key(),
                   origin);
    if (!new_key_file.empty()) {
      write_secret_key_file(new_key_file, next);
      wrote_file = true;
    }
    const auto written = rekey_database(database, next);
    std::cout << "re-encrypted " << written << " stored values of "
              << redact_database_uri(config.database) << " under the new key (" << origin
              << "); start warden with it: point secret_key_file at it, move it over "
              << secret_key_file(config).string() << ", or set WARDEN_SECRET_KEY\n";
    return 0;
  } catch (const std::exception& e) {
    if (wrote_file) {
      std::error_code ec;
      std::filesystem::remove(new_key_file, ec);  // nothing was sealed with it
    }
    std::cerr << "warden rekey: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace warden::host
