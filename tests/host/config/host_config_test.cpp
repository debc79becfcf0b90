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
mq_conf:
  bootstrap_servers: ['127.0.0.1:9092']
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

TEST(HostConfig, ReadsMqConf) {
  test::TempDir dir;
  auto file = dir.write("w.yaml", R"(
mq_conf:
  bootstrap_servers: ["k1:9092", "k2:9093"]
  security_protocol: sasl_ssl
  sasl_plain_username: user
  sasl_plain_password: secret
  librdkafka: {"message.timeout.ms": 30000, "compression.type": lz4}
)");
  const auto c = load_host_config(file, {});
  EXPECT_TRUE(c.mq_conf.configured());
  EXPECT_EQ(c.mq_conf.bootstrap_servers, (std::vector<std::string>{"k1:9092", "k2:9093"}));
  EXPECT_EQ(c.mq_conf.security_protocol, "SASL_SSL");
  EXPECT_EQ(c.mq_conf.sasl_plain_username, "user");
  EXPECT_EQ(c.mq_conf.sasl_plain_password, "secret");
  EXPECT_EQ(c.mq_conf.librdkafka,
            (std::map<std::string, std::string>{{"compression.type", "lz4"},
                                                {"message.timeout.ms", "30000"}}));
  EXPECT_FALSE(load_host_config(std::nullopt, {}).mq_conf.configured());
}

TEST(HostConfig, ReadsBootstrapServersAsAListOrOneCommaSeparatedString) {
  test::TempDir dir;
  const auto servers = [&](const std::string& yaml) {
    return load_host_config(dir.write("w.yaml", "mq_conf:\n  bootstrap_servers: " + yaml + "\n"),
                            {})
        .mq_conf.bootstrap_servers;
  };
  const std::vector<std::string> two = {"a:1", "b:2"};
  EXPECT_EQ(servers("[a:1, b:2]"), two);
  EXPECT_EQ(servers("\"a:1,b:2\""), two);
  EXPECT_EQ(servers("a:1, b:2"), two);
  EXPECT_EQ(servers("a:1"), std::vector<std::string>{"a:1"});
}

TEST(HostConfig, TheChosenEnvironmentsMqConfReplacesTheTopLevelOneWhole) {
  test::TempDir dir;
  auto file = dir.write("w.yaml", R"(
source_db:
  aaa: {source_name: mongo, topic_name: mq_aaa}
mq_conf:
  bootstrap_servers: top:9092
  sasl_plain_username: user
  sasl_plain_password: secret
  librdkafka: {linger.ms: 5}
TEST:
  database: sqlite:test.db
  mq_conf: {bootstrap_servers: "test:9092", security_protocol: plaintext}
STAGE:
  database: sqlite:stage.db
PRODUCTION:
  mq_conf:
)");
  ConfigOverrides o;
  o.env = "TEST";
  const auto test = load_host_config(file, o).mq_conf;
  EXPECT_EQ(test.bootstrap_servers, std::vector<std::string>{"test:9092"});
  EXPECT_EQ(test.security_protocol, "PLAINTEXT");
  EXPECT_EQ(test.sasl_plain_username, "");
  EXPECT_EQ(test.sasl_plain_password, "");
  EXPECT_TRUE(test.librdkafka.empty());

  o.env = "STAGE";
  const auto stage = load_host_config(file, o).mq_conf;
  EXPECT_EQ(stage.bootstrap_servers, std::vector<std::string>{"top:9092"});
  EXPECT_EQ(stage.sasl_plain_username, "user");
  EXPECT_EQ(stage.librdkafka.at("linger.ms"), "5");

  // An empty mq_conf turns Kafka off there, so the external service `aaa` stops start-up.
  o.env = "PRODUCTION";
  try {
    load_host_config(file, o);
    FAIL() << "an external service without Kafka was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(
        std::string(e.what()).find("w.yaml:3: source_db.aaa.topic_name: an external service needs "
                                   "mq_conf.bootstrap_servers"),
        std::string::npos)
        << e.what();
  }
}

TEST(HostConfig, AnExternalServiceMayTakeItsServersFromItsEnvironment) {
  test::TempDir dir;
  auto file = dir.write("w.yaml",
                        "source_db:\n  aaa: {topic_name: mq_aaa}\n  test: {source_name: builtin}\n"
                        "TEST:\n  mq_conf: {bootstrap_servers: 'k:9092'}\n");
  EXPECT_TRUE(load_host_config(file, {}).mq_conf.configured());
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
        BadConfig{"notice_max_age: -1\n", "bad.yaml:1: notice_max_age: must not be negative"},
        BadConfig{"source_db:\n  aaa:\n    topic_name: mq_aaa\n",
                  "bad.yaml:3: source_db.aaa.topic_name: an external service needs "
                  "mq_conf.bootstrap_servers"},
        BadConfig{"mq_conf:\n  bootstrap_servers: k:1\n  security_protocol: TLS\n",
                  "bad.yaml:3: mq_conf.security_protocol: must be PLAINTEXT, SSL, SASL_PLAINTEXT "
                  "or SASL_SSL"},
        BadConfig{"mq_conf:\n  bootstrap_servers: k:1\n  sasl_username: u\n",
                  "bad.yaml:3: mq_conf.sasl_username: unknown setting"},
        BadConfig{"TEST:\n  mq_conf:\n    servers: k:1\n",
                  "bad.yaml:3: TEST.mq_conf.servers: unknown setting"},
        BadConfig{"mq_conf: k:9092\n", "bad.yaml:1: mq_conf: must be a mapping"},
        BadConfig{"mq_conf:\n  bootstrap_servers: 'a:1,,b:2'\n",
                  "bad.yaml:2: mq_conf.bootstrap_servers: has an empty entry"},
        BadConfig{"mq_conf:\n  bootstrap_servers: []\n",
                  "bad.yaml:2: mq_conf.bootstrap_servers: must name at least one host:port"},
        BadConfig{"mq_conf:\n  bootstrap_servers: ['" + std::string(301, 'k') + "']\n",
                  "mq_conf.bootstrap_servers: has an entry longer than 300 characters"},
        BadConfig{"mq_conf:\n  bootstrap_servers: {a: 1}\n",
                  "bad.yaml:2: mq_conf.bootstrap_servers: must be a list of host:port strings"},
        BadConfig{"mq_conf:\n  librdkafka: [linger.ms]\n",
                  "bad.yaml:2: mq_conf.librdkafka: must map a librdkafka property name"},
        BadConfig{"mq_conf:\n  librdkafka:\n    linger.ms: [5]\n",
                  "bad.yaml:3: mq_conf.librdkafka.linger.ms: must be a string"}));

}  // namespace
}  // namespace warden::host
