#include "tests/support/test_database.hpp"

#include <libpq-fe.h>

#include <atomic>
#include <cstdlib>
#include <memory>
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
  const std::string schema =
      "t" + std::to_string(::getpid()) + "_" + std::to_string(made.fetch_add(1));
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

TestDatabase::TestDatabase(DatabaseKind kind) : kind_(kind) {
  if (kind == DatabaseKind::sqlite) {
    uri_ = "sqlite:" + (dir_.path() / "warden.db").string();
    return;
  }
  const char* cluster = std::getenv("WARDEN_TEST_POSTGRES");
  if (!cluster || !*cluster)
    throw std::runtime_error(
        "WARDEN_TEST_POSTGRES is not set: run scripts/test.sh, or start a cluster with "
        "`bash scripts/pg_cluster.sh start DIR` and export the URI it prints");
  uri_ = with_option(cluster, "options=-csearch_path%3D" + fresh_schema(cluster));
}

}  // namespace warden::test
