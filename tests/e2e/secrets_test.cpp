// Secrets at rest through the real binary: what a channel, a task and a schedule keep secret never
// reaches the SQLite file; the key file is made 0600; a wrong, missing or exposed key stops the
// start with a message and leaves the file as it was; rekey moves everything to a new key.
#include "tests/support/eventually.hpp"
#include "tests/support/http_receiver.hpp"
#include "tests/support/serve_test.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <thread>

namespace warden::test {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::string kChannelSecret = "chan-s3cret-7d1e";
const std::string kTaskSecret = "task-s3cret-92ab";
const std::string kTimerSecret = "timer-s3cret-4c0f";

std::string file_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

mode_t mode_of(const fs::path& file) {
  struct stat st {};
  EXPECT_EQ(::stat(file.c_str(), &st), 0);
  return st.st_mode & 07777;
}

class SecretsAtRest : public ServeTest {
 protected:
  SecretsAtRest() : ServeTest("e2e-secrets-token") {}

  void SetUp() override {
    configure("plugins_dir:\n  - " + std::string(WARDEN_STAGED_PLUGINS_DIR) + "\n  - " +
              (fs::path(WARDEN_FIXTURE_PLUGINS_DIR) / "timers").string() + "\nlog_level: warn\n");
  }

  fs::path db_file() const { return dir_.path() / "warden.db"; }
  fs::path key_file() const { return dir_.path() / "warden.key"; }
  /// What the database holds: the file's bytes, or PostgreSQL's dump of the schema.
  std::string stored() const {
    return database_.kind() == DatabaseKind::sqlite ? file_bytes(db_file()) : database_.dump();
  }
  std::vector<std::string> serve_args() const {
    return {"serve", "--config", (dir_.path() / "warden.yaml").string(), "--listen", "127.0.0.1:0"};
  }

  /// A start that must fail: its exit code and what it wrote to stderr.
  std::pair<int, std::string> failed_start(std::map<std::string, std::string> env = {}) {
    env["AUTH_TOKEN"] = token_;
    WardenProcess w(serve_args(), env);
    EXPECT_FALSE(w.wait_until_serving(60s)) << "it served";
    const int code = w.stop();
    std::string log;
    for (int i = 0; i < 600 && (log = w.log()).find("warden serve:") == std::string::npos; ++i)
      std::this_thread::sleep_for(100ms);
    return {code, log};
  }

  /// The requests the channel `ops` made (to /notify), oldest first.
  std::vector<ReceivedRequest> notified() const {
    std::vector<ReceivedRequest> out;
    for (auto& request : receiver_.requests())
      if (request.path == "/notify") out.push_back(std::move(request));
    return out;
  }

  /// Sends an alert to channel `ops` and returns the X-Secret header the receiver got.
  std::string delivered_secret() {
    const auto before = notified().size();
    auto r = call("POST", "/api/alerts", R"({"channels": ["ops"], "alert": {"title": "t"}})");
    EXPECT_EQ(r.status, 200) << r.body;
    for (int i = 0; i < 600 && notified().size() <= before; ++i) std::this_thread::sleep_for(100ms);
    auto requests = notified();
    return requests.size() > before ? requests.back().header("X-Secret") : "";
  }

  void expect_no_secret_in_the_file() {
    if (database_.kind() == DatabaseKind::sqlite) {
      const auto bytes = file_bytes(db_file());
      ASSERT_FALSE(bytes.empty());
      for (const auto& secret : {kChannelSecret, kTaskSecret, kTimerSecret})
        EXPECT_EQ(bytes.find(secret), std::string::npos) << secret << " is in the file";
    }
    const auto dump = database_.dump();
    // Without the sqlite3 CLI the raw bytes above must do; PostgreSQL's pg_dump is always there.
    if (dump.empty() && database_.kind() == DatabaseKind::sqlite) return;
    EXPECT_NE(dump.find("CREATE TABLE "), std::string::npos) << dump.substr(0, 2000);
    EXPECT_NE(dump.find("channels"), std::string::npos);
    for (const auto& secret : {kChannelSecret, kTaskSecret, kTimerSecret})
      EXPECT_EQ(dump.find(secret), std::string::npos) << secret << " is in the dump";
    EXPECT_NE(dump.find("'enc:1:"), std::string::npos);
  }

  HttpReceiver receiver_;
};

TEST_F(SecretsAtRest, NoSecretReachesTheFileAndEachKeyProblemStopsTheStartUntouched) {
  start();
  ASSERT_TRUE(fs::exists(key_file()));
  EXPECT_EQ(mode_of(key_file()), 0600u);
  auto r = call("PUT", "/api/channels/ops",
                R"({"channel": "http_callback", "config": {"url": ")" + receiver_.url("/notify") +
                    R"(", "headers": "X-Secret: )" + kChannelSecret + R"("}})");
  ASSERT_EQ(r.status, 201) << r.body;
  r = call("POST", "/api/create_task",
           R"({"data": {"service": "webhook", "condition": {"url": ")" + receiver_.url("/hook") +
               R"(", "headers": "X-Token: )" + kTaskSecret + R"("}}})");
  ASSERT_EQ(r.status, 200) << r.body;
  r = call("POST", "/api/schedules",
           R"({"name": "nightly", "action": "probe", "timer_type": "time_cycle", )"
           R"("defined": "R/PT1H", "params": {"token": ")" +
               kTimerSecret + R"("}})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(delivered_secret(), kChannelSecret);
  std::string task_header;
  for (int i = 0; i < 600 && task_header.empty(); ++i) {
    for (const auto& request : receiver_.requests())
      if (request.path == "/hook") task_header = request.header("X-Token");
    if (task_header.empty()) std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(task_header, kTaskSecret);
  ASSERT_EQ(warden_->stop(), 0) << warden_->log();
  expect_no_secret_in_the_file();

  // The same key (the file): the secrets are used as they were given.
  start();
  EXPECT_EQ(delivered_secret(), kChannelSecret);
  r = call("GET", "/api/schedules/nightly");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json->getObject("data")->getObject("params")->getValue<std::string>("token"),
            "******");
  ASSERT_EQ(warden_->stop(), 0) << warden_->log();
  expect_no_secret_in_the_file();
  const auto before = stored();

  // A wrong key.
  auto [code, log] = failed_start({{"WARDEN_SECRET_KEY", std::string(64, '0')}});
  EXPECT_NE(code, 0);
  EXPECT_NE(log.find("the secret key does not match the one this database was encrypted with "
                     "(WARDEN_SECRET_KEY"),
            std::string::npos)
      << log;
  EXPECT_EQ(stored(), before);
  // A key that is not one.
  std::tie(code, log) = failed_start({{"WARDEN_SECRET_KEY", "letmein"}});
  EXPECT_NE(code, 0);
  EXPECT_NE(log.find("WARDEN_SECRET_KEY is not 64 hex digits"), std::string::npos) << log;
  // A key file others may read.
  ::chmod(key_file().c_str(), 0644);
  std::tie(code, log) = failed_start();
  EXPECT_NE(code, 0);
  EXPECT_NE(log.find("chmod 600 " + key_file().string()), std::string::npos) << log;
  ::chmod(key_file().c_str(), 0600);
  // No key at all: the file is not made anew (that would seal nothing and read nothing).
  fs::rename(key_file(), dir_.path() / "kept.key");
  std::tie(code, log) = failed_start();
  EXPECT_NE(code, 0);
  EXPECT_NE(log.find("no secret key: WARDEN_SECRET_KEY is not set and the key file " +
                     key_file().string() + " does not exist"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("holds encrypted values"), std::string::npos) << log;
  EXPECT_FALSE(fs::exists(key_file()));
  fs::rename(dir_.path() / "kept.key", key_file());
  EXPECT_EQ(stored(), before);
}

TEST_F(SecretsAtRest, RekeyMovesEverySecretToTheNewKeyAndTheOldOneIsRefused) {
  start();
  auto r = call("PUT", "/api/channels/ops",
                R"({"channel": "http_callback", "config": {"url": ")" + receiver_.url("/notify") +
                    R"(", "headers": "X-Secret: )" + kChannelSecret + R"("}})");
  ASSERT_EQ(r.status, 201) << r.body;
  ASSERT_EQ(warden_->stop(), 0) << warden_->log();
  const auto old_key = file_bytes(key_file());

  const auto new_key = dir_.path() / "new.key";
  auto rekey = run_command(WARDEN_BIN, {"rekey", "--config", (dir_.path() / "warden.yaml").string(),
                                        "--new-key-file", new_key.string()});
  ASSERT_EQ(rekey.exit_code, 0) << rekey.err;
  EXPECT_NE(rekey.out.find("re-encrypted "), std::string::npos) << rekey.out;
  EXPECT_EQ(mode_of(new_key), 0600u);
  EXPECT_NE(file_bytes(new_key), old_key);
  // A second rekey to the same file is refused: a key file is never overwritten.
  auto again = run_command(WARDEN_BIN, {"rekey", "--config", (dir_.path() / "warden.yaml").string(),
                                        "--new-key-file", new_key.string()});
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.err.find("does not match"), std::string::npos) << again.err;

  auto [code, log] = failed_start();  // still the old key file
  EXPECT_NE(code, 0);
  EXPECT_NE(log.find("does not match"), std::string::npos) << log;

  fs::rename(new_key, key_file());
  start();
  EXPECT_EQ(delivered_secret(), kChannelSecret);
  ASSERT_EQ(warden_->stop(), 0) << warden_->log();
  expect_no_secret_in_the_file();

  auto help = run_command(WARDEN_BIN, {"rekey", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--new-key-file"), std::string::npos);
}

}  // namespace
}  // namespace warden::test
