#pragma once

#include "host/config/host_config.hpp"
#include "host/store/database.hpp"

#include <filesystem>

namespace warden::host {

/// `secret_key_file`, else the file beside the SQLite database.
std::filesystem::path secret_key_file(const HostConfig& config);

/// The database of `config`, opened with its secret key (WARDEN_SECRET_KEY, else the key file).
/// `create_key` (serve): a missing key file is made, 0600, unless the database turns out to be
/// sealed already, when the new file is removed again and the error says where the key was
/// looked for. Throws DatabaseError or SecretError with a message for the operator.
Database open_database(const HostConfig& config, bool create_key);

}  // namespace warden::host
