#include "host/config/host_config.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

namespace warden::host {
namespace {

TEST(HostConfig, ReadsSeed004ShapeAndTheChosenEnvironmentsDatabase) {
  test::TempDir dir;
  auto file = dir.write("warden.yaml", R"(
default_env: 'STAGE'
service:
  - aaa
  - bbb
source_db:
  aaa:
    source_name: 'mongo'
    topic_name: 'mq_aaa'
    consumer_id: 'c_aaa'
max_status_task: 25
listen: 0.0.0.0:9000
plugins_dir: [first, second]
workers: 3
TEST:
  database: sqlite:test.db
STAGE:
  database: sqlite:stage.db
)");
  auto c = load_host_config(file, {});
  EXPECT_EQ(c.env, "STAGE");
  EXPECT_EQ(c.database, "sqlite:stage.db");
  EXPECT_EQ(c.listen, "0.0.0.0:9000");
  EXPECT_EQ(c.workers, 3);
  EXPECT_EQ(c.max_status_task, 25);
  ASSERT_TRUE(c.services);
  EXPECT_EQ(*c.services, (std::vector<std::string>{"aaa", "bbb"}));
  EXPECT_EQ(c.source_db.at("aaa").topic_name, "mq_aaa");
  ASSERT_EQ(c.plugins_dirs.size(), 2u);
  EXPECT_EQ(c.plugins_dirs[1], "second");
}

TEST(HostConfig, CommandLineOverridesTheFile) {
  test::TempDir dir;
  auto file = dir.write("w.yaml",
                        "listen: 1.2.3.4:5\nTEST:\n  database: sqlite:a.db\n"
                        "PRODUCTION:\n  database: sqlite:p.db\n");
  ConfigOverrides o;
  o.env = "PRODUCTION";
  o.listen = "127.0.0.1:0";
  o.plugins_dirs = {"x"};
  auto c = load_host_config(file, o);
  EXPECT_EQ(c.env, "PRODUCTION");
  EXPECT_EQ(c.database, "sqlite:p.db");
  EXPECT_EQ(c.listen, "127.0.0.1:0");
  EXPECT_EQ(c.plugins_dirs, std::vector<std::filesystem::path>{"x"});
  o.database = "sqlite:override.db";
  EXPECT_EQ(load_host_config(file, o).database, "sqlite:override.db");
}

TEST(HostConfig, DefaultsWithoutAFile) {
  auto c = load_host_config(std::nullopt, {});
  EXPECT_EQ(c.env, "TEST");
  EXPECT_EQ(c.database, "sqlite:var/warden.db");
  EXPECT_FALSE(c.services);
  EXPECT_EQ(c.timer_max_age, 15 * 24 * 3600);
  EXPECT_EQ(c.notice_max_age, 15 * 24 * 3600);
}

TEST(HostConfig, ReadsHowLongTimersAndNoticesAreKept) {
  test::TempDir dir;
  auto file = dir.write("w.yaml", "timer_max_age: 60\nnotice_max_age: 604800\n");
  auto c = load_host_config(file, {});
  EXPECT_EQ(c.timer_max_age, 60);
  EXPECT_EQ(c.notice_max_age, 604800);
}

TEST(HostConfig, ReadsHowLongAConnectionMayTakeToSendItsRequest) {
  auto defaults = load_host_config(std::nullopt, {});
  EXPECT_EQ(defaults.http_header_timeout, 10);
  EXPECT_EQ(defaults.http_body_timeout, 30);
  EXPECT_EQ(defaults.http_idle_timeout, 15);
  test::TempDir dir;
  auto file =
      dir.write("w.yaml", "http_header_timeout: 3\nhttp_body_timeout: 7\nhttp_idle_timeout: 2\n");
  auto c = load_host_config(file, {});
  EXPECT_EQ(c.http_header_timeout, 3);
  EXPECT_EQ(c.http_body_timeout, 7);
  EXPECT_EQ(c.http_idle_timeout, 2);
}

struct BadConfig {
  std::string yaml;
  std::string message;
};

class HostConfigRefuses : public ::testing::TestWithParam<BadConfig> {};

TEST_P(HostConfigRefuses, WithFileLineAndKey) {
  test::TempDir dir;
  auto file = dir.write("bad.yaml", GetParam().yaml);
  try {
    load_host_config(file, {});
    FAIL() << "accepted: " << GetParam().yaml;
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(GetParam().message), std::string::npos) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, HostConfigRefuses,
    ::testing::Values(
        BadConfig{"workers: many\n", "bad.yaml:1: workers: must be an integer"},
        BadConfig{"http_header_timeout: 0\n",
                  "bad.yaml:1: http_header_timeout: must be at least 1"},
        BadConfig{"listen: x\nworkers: 0\n", "bad.yaml:2: workers: must be at least 1"},
        BadConfig{"listn: 1.2.3.4:5\n", "bad.yaml:1: listn: unknown setting"},
        BadConfig{"default_env: DEV\n", "default_env: unknown environment \"DEV\""},
        BadConfig{"listen: [a\n", "bad.yaml:2: invalid YAML"},
        BadConfig{"source_db:\n  aaa: 3\n", "bad.yaml:2: source_db.aaa: must be a mapping"},
        BadConfig{"- a\n- b\n", "must be a mapping of settings"},
        BadConfig{"notice_max_age: -1\n", "bad.yaml:1: notice_max_age: must not be negative"}));

}  // namespace
}  // namespace warden::host
