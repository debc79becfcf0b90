#pragma once

#include "host/store/secret_box.hpp"

#include <Poco/Data/Session.h>

#include <cstddef>
#include <string_view>
#include <vector>

namespace warden::host {

/// The columns that hold plugin configuration (and so passwords), stored sealed by SecretBox.
/// Each name is also the value's additional data: a sealed value only opens in its own column.
namespace sealed_column {
inline constexpr std::string_view kChannelConfig = "channels.config_json";
inline constexpr std::string_view kTaskCondition = "tasks.condition_json";
inline constexpr std::string_view kTimerParams = "timers.params_json";
/// Policies and saved solutions: solution conditions, webhook headers.
inline constexpr std::string_view kNamedConfigBody = "named_configs.body";
/// An action keeps the policy action it ran (its params) in its body.
inline constexpr std::string_view kActionBody = "actions.body";
/// A task's Kafka message carries its condition.
inline constexpr std::string_view kOutboxPayload = "outbox.payload";
}  // namespace sealed_column

struct SealedColumn {
  std::string_view name;  ///< `table.column`, one of sealed_column::
  std::string_view table, column;
  std::string_view key1, key2;  ///< the primary key's columns; key2 "''" when it has one
  int since = 1;                ///< the migration that made its table
};

const std::vector<SealedColumn>& sealed_columns();

/// Seals every value of every sealed column under `to`: a clear one as it is, a sealed one after
/// opening it with `from` (throws SecretError when there is no `from` or it does not open).
/// Runs in the caller's transaction. Returns how many values were written.
std::size_t reseal_columns(Poco::Data::Session& session, const SecretBox* from, const SecretBox& to,
                           int version = 1'000'000);

/// The `host_info` row that tells whether a key is the one the database was sealed with.
bool has_key_check(Poco::Data::Session& session);
/// True when the stored check opens under `box` (false when it does not, or there is none).
bool key_check_matches(Poco::Data::Session& session, const SecretBox& box);
void write_key_check(Poco::Data::Session& session, const SecretBox& box);

/// Migration 19: seals what was stored in clear and writes the key check. Without a key (a
/// database opened keyless, in tests) it does nothing; the first open with a key does it then.
void seal_stored_secrets(Poco::Data::Session& session, const SecretBox* box);
/// The same over the columns whose tables exist at schema `version` (what migration 19 sees).
void seal_stored_secrets(Poco::Data::Session& session, const SecretBox* box, int version);

class Database;
/// `warden rekey`: in one transaction, every sealed value (and the key check) re-sealed under
/// `next`. The database must have been opened with its current key. Returns the values written.
std::size_t rekey_database(Database& database, const SecretBox& next);

}  // namespace warden::host
