#include "host/store/database.hpp"

#include "host/store/migrations.hpp"
#include "host/store/sealed_columns.hpp"

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Transaction.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>
#include <spdlog/spdlog.h>

#include <set>
#include <vector>

#include <sqlite3.h>

#include <filesystem>

using namespace Poco::Data::Keywords;

namespace warden::host {

Database::Database(const std::string& uri, std::optional<SecretBox> secrets)
    : uri_(uri), secrets_(std::move(secrets)) {
  if (uri.starts_with("sqlite:")) {
    std::filesystem::path file = uri.substr(7);
    if (file.empty()) throw DatabaseError("database \"" + uri + "\": no file after sqlite:");
    std::error_code ec;
    if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
    if (ec)
      throw DatabaseError("database \"" + uri + "\": cannot create " + file.parent_path().string() +
                          ": " + ec.message());
    // SQLite's allocation statistics take a global mutex on every malloc: with many threads
    // reading at once it is the hottest lock in the process. Must precede SQLite's initialisation.
    static const int memstatus_off = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    (void)memstatus_off;
    Poco::Data::SQLite::Connector::registerConnector();
    connector_ = "SQLite";
    connection_ = file.string();
  } else if (uri.starts_with("postgresql://") || uri.starts_with("postgres://")) {
    throw DatabaseError("database \"" + uri +
                        "\": PostgreSQL is not available in this build yet; use sqlite:<path>");
  } else {
    throw DatabaseError("database \"" + uri + "\": expected sqlite:<path> or postgresql://…");
  }
  try {
    // Enough for every HTTP thread, worker and the journal at once; idle ones close after a minute.
    pool_ = std::make_unique<Poco::Data::SessionPool>(connector_, connection_, 1, 256, 60);
    auto s = session();
    s << "PRAGMA journal_mode=WAL", now;
    s << "PRAGMA busy_timeout=5000", now;
    migrate();
  } catch (const Poco::Exception& e) {
    throw DatabaseError("database \"" + uri + "\": " + e.displayText());
  }
}

Poco::Data::Session Database::session() const {
  return pool_->get();
}

std::string Database::seal(std::string_view text, std::string_view column) const {
  return secrets_ ? secrets_->seal(text, column) : std::string(text);
}

std::string Database::open(std::string_view stored, std::string_view column) const {
  if (secrets_) return secrets_->open(stored, column);
  if (SecretBox::is_sealed(stored))
    throw SecretError(std::string(column) + ": the stored value is encrypted and no key was given");
  return std::string(stored);
}

/// Before any migration writes: a database sealed under another key (or any key, when none was
/// given) is refused untouched.
void Database::check_key(Poco::Data::Session& s) const {
  if (!has_key_check(s)) return;
  if (!secrets_)
    throw SecretKeyError("database \"" + uri_ +
                         "\" holds encrypted values and no secret key was given");
  if (!key_check_matches(s, *secrets_))
    throw SecretKeyError(
        "the secret key does not match the one this database was encrypted with (" +
        secrets_->origin() + "; database \"" + uri_ + "\")");
}

int Database::schema_version() const {
  auto s = session();
  int version = 0;
  s << "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", into(version), now;
  return version;
}

void Database::migrate() {
  auto s = session();
  s << "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
       "description TEXT NOT NULL, applied_at VARCHAR(40) NOT NULL)",
      now;
  // Each migration is applied once, by its number: one numbered below the highest applied (added
  // to the list later, in another line of work) still runs.
  std::vector<int> applied_versions;
  s << "SELECT version FROM schema_migrations", into(applied_versions), now;
  const std::set<int> done(applied_versions.begin(), applied_versions.end());
  if (done.count(1)) check_key(s);  // host_info exists
  const SecretBox* box = secrets_ ? &*secrets_ : nullptr;
  for (const auto& m : all_migrations()) {
    if (done.count(m.version)) continue;
    Poco::Data::Transaction tx(s);
    for (const auto& sql : m.statements) s << sql, now;
    if (m.code) m.code(s, box);
    std::string applied =
        Poco::DateTimeFormatter::format(Poco::Timestamp(), Poco::DateTimeFormat::ISO8601_FORMAT);
    int version = m.version;
    std::string description = m.description;
    s << "INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)",
        use(version), use(description), use(applied), now;
    tx.commit();
    spdlog::info("database migrated to version {} ({})", m.version, m.description);
  }
  // A database migrated (or written) without a key gets sealed by the first open with one.
  if (box && !has_key_check(s)) {
    Poco::Data::Transaction tx(s);
    seal_stored_secrets(s, box);
    tx.commit();
    spdlog::info("database: stored secrets encrypted ({})", box->origin());
  }
}

}  // namespace warden::host
