// Secrets at rest: the sealed columns through their real stores, migration 19, the key check and
// rekey.
#include "host/store/sealed_columns.hpp"
#include "host/alerts/channel_store.hpp"
#include "host/automation/action_store.hpp"
#include "host/automation/named_config_store.hpp"
#include "host/store/database.hpp"
#include "host/store/sql_text.hpp"
#include "host/tasks/task_store.hpp"
#include "host/timers/timer_store.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_database.hpp"

#include <Poco/JSON/Object.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace warden::host {
namespace {

using namespace Poco::Data::Keywords;
const std::string kSecret = "hunter2-0f9a8b";

SecretBox key_a() {
  return SecretBox(std::string(32, 'a'), "key A");
}
SecretBox key_b() {
  return SecretBox(std::string(32, 'b'), "key B");
}

std::string file_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

/// One row with the secret in every sealed column, written through each store.
void write_secrets(Database& db) {
  ChannelInstance channel;
  channel.name = "ops";
  channel.channel = "dingtalk";
  channel.config = new Poco::JSON::Object;
  channel.config->set("token", kSecret);
  ChannelStore(db).put(channel);
  TaskRecord task;
  task.task_id = "ts_webhook_1";
  task.service = "webhook";
  task.condition = R"({"headers":"X-Token: )" + kSecret + R"("})";
  SqlTaskStore(db).write({task});
  TimerRecord timer;
  timer.kind = TimerKind::schedule;
  timer.id = "nightly";
  timer.params = R"({"password":")" + kSecret + R"("})";
  SqlTimerStore(db).write({timer});
  NamedConfigStore(db, "solution").put({"cleanup", R"({"condition":")" + kSecret + R"("})", 1});
  ActionRecord action;
  action.id = "ac_1";
  action.spec = new Poco::JSON::Object;
  action.spec->set("headers", kSecret);
  auto s = db.session();
  upsert_actions(db, s, {action});
}

/// Every secret read back through the stores.
void expect_secrets(Database& db) {
  auto channels = ChannelStore(db).list();
  ASSERT_EQ(channels.size(), 1u);
  EXPECT_EQ(channels[0].config->getValue<std::string>("token"), kSecret);
  auto task = SqlTaskStore(db).find("ts_webhook_1");
  ASSERT_TRUE(task);
  EXPECT_NE(task->condition.find(kSecret), std::string::npos);
  std::vector<TimerRecord> timers;
  SqlTimerStore(db).load([&](TimerRecord&& t) { timers.push_back(std::move(t)); });
  ASSERT_EQ(timers.size(), 1u);
  EXPECT_NE(timers[0].params.find(kSecret), std::string::npos);
  auto saved = NamedConfigStore(db, "solution").list();
  ASSERT_EQ(saved.size(), 1u);
  EXPECT_NE(saved[0].body.find(kSecret), std::string::npos);
  auto action = find_stored_action(db, "ac_1");
  ASSERT_TRUE(action);
  EXPECT_EQ(action->spec->getValue<std::string>("headers"), kSecret);
}

/// How many values of the sealed columns are stored in clear.
int clear_values(Database& db) {
  int clear = 0;
  auto s = db.session();
  for (const auto& c : sealed_columns()) {
    int n = 0;
    s << "SELECT COUNT(*) FROM " + std::string(c.table) + " WHERE " + std::string(c.column) +
             " NOT LIKE 'enc:1:%'",
        into(n), now;
    clear += n;
  }
  return clear;
}

class SealedColumnsOn : public ::testing::TestWithParam<test::DatabaseKind> {};
INSTANTIATE_TEST_SUITE_P(Databases, SealedColumnsOn, ::testing::ValuesIn(test::database_kinds()),
                         test::database_kind_name);

TEST(SealedColumns, WithAKeyNoSecretReachesTheFileAndEveryStoreReadsItBack) {
  test::TempDir dir;
  const auto file = dir.path() / "warden.db";
  {
    Database db("sqlite:" + file.string(), key_a());
    write_secrets(db);
    expect_secrets(db);
    EXPECT_EQ(clear_values(db), 0);
  }  // closing the last connection checkpoints the WAL into the file
  EXPECT_EQ(file_bytes(file).find(kSecret), std::string::npos);
  EXPECT_EQ(file_bytes(file).find("hunter2"), std::string::npos);
  Database again("sqlite:" + file.string(), key_a());
  expect_secrets(again);
}

TEST_P(SealedColumnsOn, Migration19SealsWhatAnOlderDatabaseStoredInClear) {
  test::TestDatabase database(GetParam());
  const auto uri = database.uri();
  {
    // An older database: rows in clear and no migration 19 yet.
    Database old(uri);
    write_secrets(old);
    auto s = old.session();
    s << "DELETE FROM schema_migrations WHERE version = 19", now;
    EXPECT_EQ(clear_values(old), 5);
  }
  Database db(uri, key_a());
  EXPECT_EQ(clear_values(db), 0);
  int applied = 0;
  auto s = db.session();
  s << "SELECT COUNT(*) FROM schema_migrations WHERE version = 19", into(applied), now;
  EXPECT_EQ(applied, 1);
  expect_secrets(db);
}

TEST_P(SealedColumnsOn, ADatabaseWrittenWithoutAKeyIsSealedByTheFirstOpenWithOne) {
  test::TestDatabase database(GetParam());
  const auto uri = database.uri();
  {
    Database keyless(uri);  // migration 19 applied, nothing to seal with
    write_secrets(keyless);
  }
  Database db(uri, key_a());
  EXPECT_EQ(clear_values(db), 0);
  expect_secrets(db);
}

TEST(SealedColumns, AWrongOrMissingKeyIsRefusedBeforeAnythingIsWritten) {
  test::TempDir dir;
  const auto file = dir.path() / "warden.db";
  const auto uri = "sqlite:" + file.string();
  { write_secrets(*std::make_unique<Database>(uri, key_a())); }
  const auto before = file_bytes(file);
  try {
    Database wrong(uri, key_b());
    FAIL();
  } catch (const SecretKeyError& e) {
    EXPECT_NE(std::string(e.what()).find("the secret key does not match the one this database "
                                         "was encrypted with (key B"),
              std::string::npos)
        << e.what();
  }
  try {
    Database keyless(uri);
    FAIL();
  } catch (const SecretKeyError& e) {
    EXPECT_NE(std::string(e.what()).find("holds encrypted values and no secret key was given"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(file_bytes(file), before);
  Database right(uri, key_a());
  expect_secrets(right);
}

TEST_P(SealedColumnsOn, RekeyResealsEverythingUnderTheNewKeyInOneGo) {
  test::TestDatabase database(GetParam());
  const auto uri = database.uri();
  {
    Database db(uri, key_a());
    write_secrets(db);
    EXPECT_EQ(rekey_database(db, key_b()), 5u);
  }
  EXPECT_THROW(Database(uri, key_a()), SecretKeyError);
  Database db(uri, key_b());
  EXPECT_EQ(clear_values(db), 0);
  expect_secrets(db);
}

TEST_P(SealedColumnsOn, RekeyPagesThroughLargeTablesAndChangesNothingWhenAValueDoesNotOpen) {
  test::TestDatabase database(GetParam());
  const auto uri = database.uri();
  Database db(uri, key_a());
  std::vector<TaskRecord> tasks(1234);
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    tasks[i].task_id = "ts_" + std::to_string(i);
    tasks[i].service = "sleep";
    tasks[i].condition = R"({"n":)" + std::to_string(i) + "}";
  }
  SqlTaskStore(db).write(tasks);
  // One value sealed under another key (as if altered): rekey refuses and leaves everything.
  auto s = db.session();
  std::string stray = key_b().seal("{}", sealed_column::kTaskCondition);
  s << sql_for(s, "UPDATE tasks SET condition_json = ? WHERE task_id = 'ts_1000'"), use(stray), now;
  EXPECT_THROW(rekey_database(db, key_b()), SecretError);
  EXPECT_EQ(SqlTaskStore(db).find("ts_7")->condition, R"({"n":7})");
  std::string fixed = key_a().seal("{}", sealed_column::kTaskCondition);
  s << sql_for(s, "UPDATE tasks SET condition_json = ? WHERE task_id = 'ts_1000'"), use(fixed), now;
  EXPECT_EQ(rekey_database(db, key_b()), 1234u);
  Database reopened(uri, key_b());
  EXPECT_EQ(SqlTaskStore(reopened).find("ts_1233")->condition, R"({"n":1233})");
  EXPECT_EQ(SqlTaskStore(reopened).find("ts_0")->condition, R"({"n":0})");
}

}  // namespace
}  // namespace warden::host
