#pragma once

#include "host/config/host_config.hpp"

#include <optional>
#include <string>
#include <vector>

namespace warden::host {

/// `warden serve`: runs until SIGINT or SIGTERM. Returns the exit code.
int serve(const std::optional<std::filesystem::path>& config_file,
          const ConfigOverrides& overrides);

/// `warden rekey`: every stored secret re-sealed under a new key (written to `new_key_file`, or
/// read from WARDEN_NEW_SECRET_KEY), in one transaction. Run while the host is stopped.
int rekey(const std::optional<std::filesystem::path>& config_file, const ConfigOverrides& overrides,
          const std::string& new_key_file);

/// `warden validate DIR…`: each DIR is a plugin folder (it has a manifest.json) or a plugins
/// directory of folders. Prints one line per problem; returns 1 when there is any, else 0.
int validate(const std::vector<std::string>& dirs);

}  // namespace warden::host
