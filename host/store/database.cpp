#include "host/store/database.hpp"

#include "host/store/migrations.hpp"
#include "host/store/sealed_columns.hpp"
#include "host/store/sql_text.hpp"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Transaction.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>
#include <spdlog/spdlog.h>

#include <set>
#include <vector>

#include <libpq-fe.h>
#include <sqlite3.h>

#include <filesystem>

using namespace Poco::Data::Keywords;

namespace warden::host {
namespace {

// Every host that opens the database takes this (session-level) lock around its migrations, so
// hosts started together migrate one after another.
constexpr long long kMigrationLock = 0x77617264656e;  // "warden"

std::string replace_all(std::string text, const std::string& secret) {
  if (secret.empty()) return text;
  for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3))
    text.replace(at, secret.size(), "***");
  return text;
}

/// The passwords a URI carries, as written in it (user:password@ and password=…).
std::vector<std::string> passwords_in(std::string_view uri) {
  std::vector<std::string> found;
  const auto scheme = uri.find("://");
  if (scheme != std::string_view::npos) {
    const auto authority = uri.substr(scheme + 3, uri.find_first_of("/?", scheme + 3) - scheme - 3);
    const auto at = authority.rfind('@');
    if (at != std::string_view::npos) {
      const auto colon = authority.substr(0, at).find(':');
      if (colon != std::string_view::npos)
        found.emplace_back(authority.substr(colon + 1, at - colon - 1));
    }
  }
  for (auto key = uri.find("password="); key != std::string_view::npos;
       key = uri.find("password=", key + 9)) {
    const auto from = key + 9;
    found.emplace_back(uri.substr(from, uri.find_first_of("& ", from) - from));
  }
  return found;
}

/// `text` with every password `uri` carries replaced by ***.
std::string redact_text(std::string text, std::string_view uri) {
  for (const auto& password : passwords_in(uri)) text = replace_all(std::move(text), password);
  return text;
}

/// A libpq URI as the key='value' connection string Poco's PostgreSQL connector splits itself.
std::string conninfo_of(const std::string& uri) {
  char* error = nullptr;
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(
      PQconninfoParse(uri.c_str(), &error), PQconninfoFree);
  if (!options) {
    std::string why = error ? error : "cannot be read";
    PQfreemem(error);
    while (!why.empty() && why.back() == '\n') why.pop_back();
    // libpq's parse errors quote the URI, password and all.
    throw DatabaseError("database \"" + redact_database_uri(uri) + "\": " + redact_text(why, uri));
  }
  std::string out;
  for (auto* o = options.get(); o->keyword; ++o) {
    if (!o->val) continue;
    std::string value;
    for (const char* c = o->val; *c; ++c) {
      if (*c == '\\' || *c == '\'') value += '\\';
      value += *c;
    }
    out += (out.empty() ? "" : " ") + std::string(o->keyword) + "='" + value + "'";
  }
  return out;
}

}  // namespace

std::string redact_database_uri(std::string_view uri) {
  return redact_text(std::string(uri), uri);
}

Database::Database(const std::string& uri, std::optional<SecretBox> secrets)
    : uri_(redact_database_uri(uri)), secrets_(std::move(secrets)) {
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
    poco_connection_ = file.string();
  } else if (uri.starts_with("postgresql://") || uri.starts_with("postgres://")) {
    Poco::Data::PostgreSQL::Connector::registerConnector();
    connector_ = "postgresql";
    connection_ = uri;                    // libpq reads the URI itself (PgWriter)
    poco_connection_ = conninfo_of(uri);  // Poco's connector takes only key=value pairs
    // Reached first with libpq: Poco's connector (1.11) leaks the connection it fails to open.
    std::unique_ptr<PGconn, decltype(&PQfinish)> probe(PQconnectdb(uri.c_str()), PQfinish);
    if (!probe || PQstatus(probe.get()) != CONNECTION_OK) {
      std::string why = probe ? PQerrorMessage(probe.get()) : "out of memory";
      while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
      throw DatabaseError("database \"" + uri_ + "\": " + redact_text(why, uri));
    }
  } else {
    throw DatabaseError("database \"" + uri_ + "\": expected sqlite:<path> or postgresql://…");
  }
  try {
    // SQLite: enough for every HTTP thread, worker and the journal at once. PostgreSQL: each is a
    // server process, and several hosts share the server's max_connections. Idle ones close after
    // a minute.
    pool_ = std::make_unique<Poco::Data::SessionPool>(connector_, poco_connection_, 1,
                                                      postgresql() ? 48 : 256, 60);
    auto s = session();
    if (postgresql()) {
      s << "SET client_min_messages = warning", now;  // no NOTICE lines on stderr
      s << "SELECT pg_advisory_lock(" + std::to_string(kMigrationLock) + ")", now;
      try {
        migrate();
      } catch (...) {
        s << "SELECT pg_advisory_unlock(" + std::to_string(kMigrationLock) + ")", now;
        throw;
      }
      s << "SELECT pg_advisory_unlock(" + std::to_string(kMigrationLock) + ")", now;
    } else {
      s << "PRAGMA journal_mode=WAL", now;
      s << "PRAGMA busy_timeout=5000", now;
      migrate();
    }
  } catch (const Poco::Exception& e) {
    // libpq's messages do not quote the URI, but nothing the server says may show the password.
    throw DatabaseError("database \"" + uri_ + "\": " + redact_text(e.displayText(), uri));
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
  s << sql_for(s, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"), into(version), now;
  return version;
}

void Database::migrate() {
  auto s = session();
  s << sql_for(s,
               "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
               "description TEXT NOT NULL, applied_at VARCHAR(40) NOT NULL)"),
      now;
  // Each migration is applied once, by its number: one numbered below the highest applied (added
  // to the list later, in another line of work) still runs.
  std::vector<int> applied_versions;
  s << sql_for(s, "SELECT version FROM schema_migrations"), into(applied_versions), now;
  const std::set<int> done(applied_versions.begin(), applied_versions.end());
  if (done.count(1)) check_key(s);  // host_info exists
  const SecretBox* box = secrets_ ? &*secrets_ : nullptr;
  for (const auto& m : all_migrations()) {
    if (done.count(m.version)) continue;
    Poco::Data::Transaction tx(s);
    for (const auto& sql : m.statements) s << sql_for(s, sql), now;
    if (m.code) m.code(s, box);
    std::string applied =
        Poco::DateTimeFormatter::format(Poco::Timestamp(), Poco::DateTimeFormat::ISO8601_FORMAT);
    int version = m.version;
    std::string description = m.description;
    s << sql_for(s,
                 "INSERT INTO schema_migrations (version, description, applied_at) "
                 "VALUES (?, ?, ?)"),
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
