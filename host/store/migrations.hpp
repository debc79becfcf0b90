#pragma once

#include <string>
#include <vector>

namespace warden::host {

/// One schema step. Versions are applied in order, once, each in its own transaction.
struct Migration {
  int version;
  std::string description;
  std::vector<std::string> statements;  ///< portable SQL (SQLite and PostgreSQL)
};

/// Every migration, oldest first. Append; never edit one that has shipped.
const std::vector<Migration>& all_migrations();

}  // namespace warden::host
