#include "host/store/migrations.hpp"

namespace warden::host {

const std::vector<Migration>& all_migrations() {
  static const std::vector<Migration> migrations = {
      {1,
       "host facts",
       {"CREATE TABLE host_info (name VARCHAR(64) PRIMARY KEY, value TEXT NOT NULL)"}},
  };
  return migrations;
}

}  // namespace warden::host
