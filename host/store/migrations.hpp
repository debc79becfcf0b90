#pragma once

#include "host/store/secret_box.hpp"

#include <Poco/Data/Session.h>

#include <string>
#include <vector>

namespace warden::host {

/// One schema step. Versions are applied in order, once, each in its own transaction.
struct Migration {
  int version;
  std::string description;
  std::vector<std::string> statements;  ///< portable SQL (SQLite and PostgreSQL)
  /// Runs after the statements, in the same transaction, with the database's key (null: none).
  void (*code)(Poco::Data::Session&, const SecretBox*) = nullptr;
};

/// Every migration, oldest first. Append; never edit one that has shipped.
const std::vector<Migration>& all_migrations();

}  // namespace warden::host
