// The SASL mapping is tested as configuration: the tests' mock broker has no SASL (issue #19).
#include "host/queue/kafka_config.hpp"

#include "host/config/host_config.hpp"

#include <gtest/gtest.h>
#include <librdkafka/rdkafkacpp.h>

#include <algorithm>
#include <cctype>
#include <memory>

namespace warden::host {
namespace {

MqConf sasl_conf(const std::string& protocol) {
  MqConf conf;
  conf.bootstrap_servers = {"k1:9092", "k2:9093"};
  conf.security_protocol = protocol;
  conf.sasl_plain_username = "user";
  conf.sasl_plain_password = "hunter2";
  return conf;
}

std::unique_ptr<RdKafka::Conf> kafka_conf(const KafkaProperties& properties) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  for (const auto& [name, value] : properties) {
    std::string error;
    EXPECT_EQ(conf->set(name, value, error), RdKafka::Conf::CONF_OK) << name << ": " << error;
  }
  return conf;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return text;
}

TEST(KafkaConfig, SaslSslMapsToSaslPlainOverSsl) {
  const KafkaProperties expected = {
      {"bootstrap.servers", "k1:9092,k2:9093"},
      {"security.protocol", "SASL_SSL"},
      {"sasl.mechanisms", "PLAIN"},
      {"sasl.username", "user"},
      {"sasl.password", "hunter2"},
      {"enable.idempotence", "true"},
      {"acks", "all"},
      {"message.timeout.ms", "10000"},
      {"client.id", "warden-h1"},
  };
  EXPECT_EQ(producer_properties(sasl_conf("SASL_SSL"), "warden-h1"), expected);
  // Credentials without a protocol mean SASL_SSL.
  EXPECT_EQ(producer_properties(sasl_conf(""), "warden-h1"), expected);
}

TEST(KafkaConfig, SaslPlaintextKeepsTheExtrasLastAndTheirMessageTimeout) {
  auto conf = sasl_conf("SASL_PLAINTEXT");
  conf.librdkafka = {{"linger.ms", "5"}, {"message.timeout.ms", "30000"}};
  const KafkaProperties expected = {
      {"bootstrap.servers", "k1:9092,k2:9093"},
      {"security.protocol", "SASL_PLAINTEXT"},
      {"sasl.mechanisms", "PLAIN"},
      {"sasl.username", "user"},
      {"sasl.password", "hunter2"},
      {"enable.idempotence", "true"},
      {"acks", "all"},
      {"client.id", "c"},
      {"linger.ms", "5"},
      {"message.timeout.ms", "30000"},
  };
  EXPECT_EQ(producer_properties(conf, "c"), expected);
}

TEST(KafkaConfig, WithoutCredentialsThereIsNoSasl) {
  MqConf conf;
  conf.bootstrap_servers = {"k:9092"};
  const auto properties = producer_properties(conf, "c");
  EXPECT_EQ(properties[1], (std::pair<std::string, std::string>{"security.protocol", "PLAINTEXT"}));
  for (const auto& [name, value] : properties) EXPECT_FALSE(name.starts_with("sasl.")) << name;
  EXPECT_NO_THROW(check_mq_conf(conf));
  conf.security_protocol = "SSL";
  EXPECT_NO_THROW(check_mq_conf(conf));
}

TEST(KafkaConfig, ARealConfAcceptsTheSaslPropertiesAndReadsThemBack) {
  for (const std::string protocol : {"SASL_PLAINTEXT", "SASL_SSL"}) {
    SCOPED_TRACE(protocol);
    auto mq = sasl_conf(protocol);
    mq.librdkafka = {{"ssl.key.password", "kp"}, {"linger.ms", "5"}};
    EXPECT_NO_THROW(check_mq_conf(mq));
    const auto properties = producer_properties(mq, "warden-h1");
    const auto conf = kafka_conf(properties);
    for (const auto& [name, value] : properties) {
      std::string back;
      ASSERT_EQ(conf->get(name, back), RdKafka::Conf::CONF_OK) << name;
      if (name == "security.protocol")
        EXPECT_EQ(back, lower(value));  // librdkafka names its choices in lower case
      else if (name == "acks")
        EXPECT_EQ(back, "-1");  // all
      else
        EXPECT_EQ(back, value) << name;
    }
  }
}

/// Swallows librdkafka's log lines: the producer below tries an address nothing listens on.
class QuietEvents : public RdKafka::EventCb {
 public:
  void event_cb(RdKafka::Event&) override {}
};

TEST(KafkaConfig, ARealProducerIsCreatedWithTheSaslSslProperties) {
  std::unique_ptr<RdKafka::Conf> probe(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string features;
  ASSERT_EQ(probe->get("builtin.features", features), RdKafka::Conf::CONF_OK);
  EXPECT_NE(features.find("sasl_plain"), std::string::npos) << features;

  auto mq = sasl_conf("SASL_SSL");
  mq.bootstrap_servers = {"127.0.0.1:1"};
  auto conf = kafka_conf(producer_properties(mq, "warden-test"));
  QuietEvents quiet;
  std::string error;
  ASSERT_EQ(conf->set("event_cb", &quiet, error), RdKafka::Conf::CONF_OK) << error;
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), error));
  if (features.find("ssl") == std::string::npos) {
    EXPECT_EQ(producer, nullptr);
    EXPECT_NE(lower(error).find("ssl"), std::string::npos) << error;
  } else {
    EXPECT_NE(producer, nullptr) << error;
  }
}

TEST(KafkaConfig, SecretsAreMasked) {
  const KafkaProperties properties = {{"sasl.username", "user"},
                                      {"sasl.password", "hunter2"},
                                      {"ssl.key.password", "kp"},
                                      {"ssl.keystore.password", "ksp"},
                                      {"sasl.oauthbearer.client.secret", "cs"},
                                      {"ssl.key.pem", "-----BEGIN PRIVATE KEY-----"},
                                      {"my.private.key", "pk"},
                                      {"ssl.key.location", "/etc/k.pem"},
                                      {"linger.ms", "5"}};
  const KafkaProperties expected = {{"sasl.username", "user"},
                                    {"sasl.password", "******"},
                                    {"ssl.key.password", "******"},
                                    {"ssl.keystore.password", "******"},
                                    {"sasl.oauthbearer.client.secret", "******"},
                                    {"ssl.key.pem", "******"},
                                    {"my.private.key", "******"},
                                    {"ssl.key.location", "/etc/k.pem"},
                                    {"linger.ms", "5"}};
  EXPECT_EQ(masked_properties(properties), expected);
}

TEST(KafkaConfig, DescribeIsOneMaskedLine) {
  auto mq = sasl_conf("SASL_SSL");
  mq.librdkafka = {{"ssl.key.password", "kp-secret-value"}};
  const auto line = describe(mq);
  EXPECT_EQ(line,
            "bootstrap.servers=k1:9092,k2:9093 security.protocol=SASL_SSL sasl.mechanisms=PLAIN "
            "sasl.username=user sasl.password=****** enable.idempotence=true acks=all "
            "message.timeout.ms=10000 ssl.key.password=******");
  EXPECT_EQ(line.find("hunter2"), std::string::npos);
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

struct Refusal {
  MqConf conf;
  std::string message;
};

MqConf with_extra(const std::string& name, const std::string& value) {
  MqConf conf;
  conf.bootstrap_servers = {"k:9092"};
  conf.librdkafka[name] = value;
  return conf;
}

MqConf plain(const std::string& protocol, const std::string& user, const std::string& password) {
  MqConf conf;
  conf.bootstrap_servers = {"k:9092"};
  conf.security_protocol = protocol;
  conf.sasl_plain_username = user;
  conf.sasl_plain_password = password;
  return conf;
}

class KafkaConfigRefuses : public ::testing::TestWithParam<Refusal> {};

TEST_P(KafkaConfigRefuses, NamingThePlace) {
  try {
    check_mq_conf(GetParam().conf);
    FAIL() << "accepted; expected: " << GetParam().message;
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(GetParam().message, 0), 0u) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, KafkaConfigRefuses,
    ::testing::Values(
        Refusal{with_extra("no.such", "x"),
                "mq_conf.librdkafka.no.such: No such configuration property: \"no.such\""},
        Refusal{with_extra("message.timeout.ms", "soon"),
                "mq_conf.librdkafka.message.timeout.ms: Invalid value for configuration property "
                "\"message.timeout.ms\""},
        Refusal{plain("PLAINTEXT", "user", "pw"),
                "mq_conf.sasl_plain_username: SASL credentials need security_protocol "
                "SASL_PLAINTEXT or SASL_SSL, not PLAINTEXT"},
        Refusal{plain("SSL", "", "pw"),
                "mq_conf.sasl_plain_password: SASL credentials need security_protocol "
                "SASL_PLAINTEXT or SASL_SSL, not SSL"},
        Refusal{plain("", "", "pw"), "mq_conf.sasl_plain_password: SASL credentials need"},
        Refusal{plain("SASL_PLAINTEXT", "", ""),
                "mq_conf.sasl_plain_username: SASL_PLAINTEXT needs a user name and a password"},
        Refusal{plain("", "user", ""),
                "mq_conf.sasl_plain_password: SASL_SSL needs a user name and a password"},
        Refusal{with_extra("bootstrap.servers", "x:1"),
                "mq_conf.librdkafka.bootstrap.servers: set it with mq_conf's own keys"},
        Refusal{with_extra("metadata.broker.list", "x:1"),
                "mq_conf.librdkafka.metadata.broker.list: set it with mq_conf's own keys"},
        Refusal{with_extra("security.protocol", "ssl"),
                "mq_conf.librdkafka.security.protocol: set it with mq_conf's own keys"},
        Refusal{with_extra("sasl.mechanisms", "SCRAM-SHA-256"),
                "mq_conf.librdkafka.sasl.mechanisms: set it with mq_conf's own keys"},
        Refusal{with_extra("sasl.password", "x"),
                "mq_conf.librdkafka.sasl.password: set it with mq_conf's own keys"},
        Refusal{with_extra("enable.idempotence", "false"),
                "mq_conf.librdkafka.enable.idempotence: fixed by the host"},
        Refusal{with_extra("acks", "1"), "mq_conf.librdkafka.acks: fixed by the host"},
        Refusal{with_extra("request.required.acks", "1"),
                "mq_conf.librdkafka.request.required.acks: fixed by the host"},
        Refusal{with_extra("dr_msg_cb", "x"),
                "mq_conf.librdkafka.dr_msg_cb: a callback, set by the host only"},
        Refusal{with_extra("opaque", "x"),
                "mq_conf.librdkafka.opaque: a callback, set by the host only"}));

}  // namespace
}  // namespace warden::host
