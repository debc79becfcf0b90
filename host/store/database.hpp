#pragma once

#include <Poco/Data/Session.h>
#include <Poco/Data/SessionPool.h>

#include "host/store/secret_box.hpp"
#include "host/store/work_fence.hpp"

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace warden::host {

class DatabaseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The key given does not open what the database was sealed with, or a sealed database was opened
/// without a key. Thrown before anything is written.
class SecretKeyError : public DatabaseError {
 public:
  using DatabaseError::DatabaseError;
};

/// `uri` with its password (user:password@ or password=…) replaced by "***": what logs and
/// messages show.
std::string redact_database_uri(std::string_view uri);

/// The host's store, opened from a `database` URI (SPEC §4) and migrated to the current schema.
/// `sqlite:<path>` is the embedded default (WAL; the parent folder is created);
/// `postgresql://user:password@host:port/dbname` (or `postgresql:///dbname?host=/socket/dir`, any
/// form libpq reads) shares one database between hosts. Every statement is parameterised and
/// written once, with `?` parameters (sql_for numbers them for PostgreSQL).
class Database {
 public:
  /// Opens and migrates. Throws DatabaseError with a message naming the URI on failure, and
  /// SecretKeyError (before writing anything) when `secrets` is not the key the database was
  /// sealed with, or is absent while the database holds sealed values. With a key, values stored in
  /// clear (before migration 19, or by a keyless open) are sealed at once. Without one (unit tests)
  /// the sealed columns are kept in clear.
  explicit Database(const std::string& uri, std::optional<SecretBox> secrets = std::nullopt);

  /// A session for one unit of work, from a pool; it goes back to the pool when the last copy is
  /// destroyed. Poco sessions are not thread-safe: take one per unit of work, never share it.
  Poco::Data::Session session() const;
  int schema_version() const;
  const std::string& uri() const { return uri_; }
  bool postgresql() const { return connector_ == "postgresql"; }
  /// The PostgreSQL URI as given, password included: only for opening a libpq connection.
  const std::string& postgresql_connection() const { return connection_; }

  /// What a sealed column (sealed_column::…) stores for `text`: sealed under the key, or `text`
  /// itself in a keyless database.
  std::string seal(std::string_view text, std::string_view column) const;
  /// The value back from what `seal` stored; throws SecretError when it does not open.
  std::string open(std::string_view stored, std::string_view column) const;
  const std::optional<SecretBox>& secrets() const { return secrets_; }
  /// What work transactions check first when several hosts share the database.
  WorkFence& fence() const { return *fence_; }

 private:
  void migrate();
  void check_key(Poco::Data::Session& s) const;

  std::string uri_;
  std::optional<SecretBox> secrets_;
  std::string connector_;
  std::string connection_;       // PostgreSQL: the URI as given
  std::string poco_connection_;  // what the session pool opens
  std::unique_ptr<Poco::Data::SessionPool> pool_;
  std::shared_ptr<WorkFence> fence_ = std::make_shared<WorkFence>();
};

}  // namespace warden::host
