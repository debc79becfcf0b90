#pragma once

#include <Poco/Data/Session.h>
#include <Poco/Data/SessionPool.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace warden::host {

class DatabaseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The host's store, opened from a `database` URI (SPEC §4) and migrated to the current schema.
/// `sqlite:<path>` is the embedded default (WAL; the parent folder is created). Every statement is
/// parameterised; the SQL is kept portable to PostgreSQL.
class Database {
 public:
  /// Opens and migrates. Throws DatabaseError with a message naming the URI on failure.
  explicit Database(const std::string& uri);

  /// A session for one unit of work, from a pool; it goes back to the pool when the last copy is
  /// destroyed. Poco sessions are not thread-safe: take one per unit of work, never share it.
  Poco::Data::Session session() const;
  int schema_version() const;
  const std::string& uri() const { return uri_; }

 private:
  void migrate();

  std::string uri_;
  std::string connector_;
  std::string connection_;
  std::unique_ptr<Poco::Data::SessionPool> pool_;
};

}  // namespace warden::host
