#include "host/store/sealed_columns.hpp"
#include "host/store/sql_text.hpp"

#include "host/store/database.hpp"

#include <Poco/Data/Statement.h>
#include <Poco/Data/Transaction.h>

#include <string>

using namespace Poco::Data::Keywords;

namespace warden::host {
namespace {

constexpr std::string_view kKeyCheckName = "secret_key_check";
constexpr std::string_view kKeyCheckPlace = "host_info.secret_key_check";
constexpr std::string_view kKeyCheckText = "warden-key-check";
constexpr std::size_t kPage = 500;

std::string str(std::string_view s) {
  return std::string(s);
}

/// One column, a page at a time in key order, so a large table is never held whole.
std::size_t reseal_column(Poco::Data::Session& session, const SealedColumn& c,
                          const SecretBox* from, const SecretBox& to) {
  // A table keyed by one column names '' as its second key; PostgreSQL refuses a constant in
  // ORDER BY, so the order names real columns only.
  const std::string order = " ORDER BY " + str(c.key1) +
                            (c.key2.starts_with('\'') ? "" : ", " + str(c.key2)) + " LIMIT " +
                            std::to_string(kPage);
  const std::string select = "SELECT " + str(c.key1) + ", " + str(c.key2) + ", " + str(c.column) +
                             " FROM " + str(c.table) + " WHERE (" + str(c.key1) + ", " +
                             str(c.key2) + ") > (?, ?)" + order;
  const std::string update = "UPDATE " + str(c.table) + " SET " + str(c.column) + " = ? WHERE " +
                             str(c.key1) + " = ? AND " + str(c.key2) + " = ?";
  std::string after1, after2;
  std::size_t written = 0;
  bool first = true;
  for (;;) {
    std::vector<std::string> k1, k2, values;
    Poco::Data::Statement page(session);
    // The first page starts before every key: (k1, k2) > (NULL, …) is never true.
    if (first)
      page << sql_for(session, "SELECT " + str(c.key1) + ", " + str(c.key2) + ", " + str(c.column) +
                                   " FROM " + str(c.table) + order),
          into(k1), into(k2), into(values);
    else
      page << sql_for(session, select), useRef(after1), useRef(after2), into(k1), into(k2),
          into(values);
    page.execute();
    first = false;
    if (values.empty()) break;
    for (auto& value : values) {
      if (SecretBox::is_sealed(value)) {
        if (!from) throw SecretError(str(c.name) + ": already encrypted under an unknown key");
        value = from->open(value, c.name);
      }
      value = to.seal(value, c.name);
    }
    session << sql_for(session, update), use(values), use(k1), use(k2), now;
    written += values.size();
    after1 = k1.back();
    after2 = k2.back();
    if (values.size() < kPage) break;
  }
  return written;
}

}  // namespace

const std::vector<SealedColumn>& sealed_columns() {
  using namespace sealed_column;
  static const std::vector<SealedColumn> columns = {
      {kChannelConfig, "channels", "config_json", "name", "''"},
      {kTaskCondition, "tasks", "condition_json", "task_id", "''"},
      {kTimerParams, "timers", "params_json", "kind", "id"},
      {kNamedConfigBody, "named_configs", "body", "collection", "name"},
      {kActionBody, "actions", "body", "id", "''"},
      {kOutboxPayload, "outbox", "payload", "id", "''", 24},
  };
  return columns;
}

std::size_t reseal_columns(Poco::Data::Session& session, const SecretBox* from, const SecretBox& to,
                           int version) {
  std::size_t written = 0;
  for (const auto& c : sealed_columns()) {
    if (c.since <= version) written += reseal_column(session, c, from, to);
  }
  return written;
}

bool has_key_check(Poco::Data::Session& session) {
  std::string name(kKeyCheckName);
  int rows = 0;
  session << sql_for(session, "SELECT COUNT(*) FROM host_info WHERE name = ?"), use(name),
      into(rows), now;
  return rows > 0;
}

bool key_check_matches(Poco::Data::Session& session, const SecretBox& box) {
  std::string name(kKeyCheckName);
  std::vector<std::string> values;
  session << sql_for(session, "SELECT value FROM host_info WHERE name = ?"), use(name),
      into(values), now;
  if (values.empty()) return false;
  try {
    return box.open(values.front(), kKeyCheckPlace) == kKeyCheckText;
  } catch (const SecretError&) {
    return false;
  }
}

void write_key_check(Poco::Data::Session& session, const SecretBox& box) {
  std::string name(kKeyCheckName), value = box.seal(kKeyCheckText, kKeyCheckPlace);
  session << sql_for(session,
                     "INSERT INTO host_info (name, value) VALUES (?, ?) "
                     "ON CONFLICT (name) DO UPDATE SET value = excluded.value"),
      use(name), use(value), now;
}

void seal_stored_secrets(Poco::Data::Session& session, const SecretBox* box) {
  seal_stored_secrets(session, box, 1'000'000);
}

void seal_stored_secrets(Poco::Data::Session& session, const SecretBox* box, int version) {
  if (!box) return;
  reseal_columns(session, nullptr, *box, version);
  write_key_check(session, *box);
}

std::size_t rekey_database(Database& database, const SecretBox& next) {
  const auto& current = database.secrets();
  if (!current) throw SecretError("rekey: the database was opened without its current key");
  auto session = database.session();
  Poco::Data::Transaction tx(session);
  const auto written = reseal_columns(session, &*current, next);
  write_key_check(session, next);
  tx.commit();
  return written;
}

}  // namespace warden::host
