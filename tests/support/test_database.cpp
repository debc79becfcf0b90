#include "tests/support/test_database.hpp"

#include "tests/support/process.hpp"

#include <libpq-fe.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <sstream>
#include <stdexcept>

#include <unistd.h>

namespace warden::test {

std::vector<DatabaseKind> database_kinds() {
  return {DatabaseKind::sqlite, DatabaseKind::postgresql};
}

std::string database_kind_name(const testing::TestParamInfo<DatabaseKind>& info) {
  return info.param == DatabaseKind::sqlite ? "SQLite" : "PostgreSQL";
}

namespace {

/// The test cluster's URI with the given libpq option added.
std::string with_option(const std::string& uri, const std::string& option) {
  return uri + (uri.find('?') == std::string::npos ? "?" : "&") + option;
}

std::string fresh_schema(const std::string& cluster) {
  static std::atomic<int> made{0};
  // Process ids repeat within one run (pid_max may be 32768), and schemas are kept for a look
  // after a failure: a random part keeps two tests' schemas apart.
  static const std::string run = [] {
    std::random_device random;
    char text[16];
    std::snprintf(text, sizeof text, "%08x", random());
    return std::string(text);
  }();
  const std::string schema =
      "t" + std::to_string(::getpid()) + "_" + run + "_" + std::to_string(made.fetch_add(1));
  std::unique_ptr<PGconn, decltype(&PQfinish)> admin(PQconnectdb(cluster.c_str()), PQfinish);
  if (PQstatus(admin.get()) != CONNECTION_OK)
    throw std::runtime_error("test PostgreSQL " + cluster + ": " + PQerrorMessage(admin.get()));
  std::unique_ptr<PGresult, decltype(&PQclear)> made_schema(
      PQexec(admin.get(), ("CREATE SCHEMA " + schema).c_str()), PQclear);
  if (PQresultStatus(made_schema.get()) != PGRES_COMMAND_OK)
    throw std::runtime_error("test PostgreSQL: " + std::string(PQerrorMessage(admin.get())));
  return schema;
}

}  // namespace

DatabaseKind e2e_database_kind() {
  const char* kind = std::getenv("WARDEN_E2E_DATABASE");
  return kind && std::string(kind) == "postgresql" ? DatabaseKind::postgresql
                                                   : DatabaseKind::sqlite;
}

TestDatabase::TestDatabase(DatabaseKind kind, const std::filesystem::path& sqlite_dir)
    : kind_(kind) {
  if (kind == DatabaseKind::sqlite) {
    uri_ = "sqlite:" + ((sqlite_dir.empty() ? dir_.path() : sqlite_dir) / "warden.db").string();
    return;
  }
  const char* cluster = std::getenv("WARDEN_TEST_POSTGRES");
  if (!cluster || !*cluster)
    throw std::runtime_error(
        "WARDEN_TEST_POSTGRES is not set: run scripts/test.sh, or start a cluster with "
        "`bash scripts/pg_cluster.sh start DIR` and export the URI it prints");
  schema_ = fresh_schema(cluster);
  uri_ = with_option(cluster, "options=-csearch_path%3D" + schema_);
}

std::string TestDatabase::dump() const {
  const auto result = kind_ == DatabaseKind::sqlite
                          ? run_command("sqlite3", {uri_.substr(7), ".dump"})
                          : run_command("pg_dump", {"--schema=" + schema_, "--inserts",
                                                    std::getenv("WARDEN_TEST_POSTGRES")});
  if (result.exit_code != 0) return {};
  // pg_dump brackets its output with \restrict lines holding a fresh random key each time.
  std::string out;
  std::istringstream lines(result.out);
  for (std::string line; std::getline(lines, line);)
    if (!line.starts_with("\\restrict") && !line.starts_with("\\unrestrict")) out += line + "\n";
  return out;
}

}  // namespace warden::test
