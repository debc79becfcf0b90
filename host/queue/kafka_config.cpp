#include "host/queue/kafka_config.hpp"

#include "host/config/host_config.hpp"

#include <librdkafka/rdkafkacpp.h>

#include <algorithm>
#include <cctype>
#include <memory>

namespace warden::host {
namespace {

constexpr const char* kMask = "******";

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::string security_protocol_of(const MqConf& conf) {
  if (!conf.security_protocol.empty()) return conf.security_protocol;
  return conf.sasl_plain_username.empty() ? "PLAINTEXT" : "SASL_SSL";
}

bool is_sasl(const std::string& protocol) {
  return protocol.starts_with("SASL_");
}

bool is_secret(const std::string& property) {
  const auto name = lower(property);
  return name == "sasl.password" || name.find("password") != std::string::npos ||
         name.find("secret") != std::string::npos || name.ends_with(".key") ||
         name.ends_with("key.pem");
}

/// Why an extra property may not be set, or "" when it may.
std::string why_refused(const std::string& property) {
  const auto name = lower(property);
  if (name == "bootstrap.servers" || name == "metadata.broker.list" ||
      name == "security.protocol" || name.starts_with("sasl."))
    return "set it with mq_conf's own keys (bootstrap_servers, security_protocol, "
           "sasl_plain_username, sasl_plain_password)";
  if (name == "enable.idempotence" || name == "acks" || name == "request.required.acks")
    return "fixed by the host: the outbox relies on the idempotent producer with acks=all";
  if (name.ends_with("_cb") || name.find("callback") != std::string::npos || name == "opaque" ||
      name == "default_topic_conf")
    return "a callback, set by the host only";
  return "";
}

/// Where in the configuration a producer property comes from.
std::string place_of(const MqConf& conf, const std::string& property) {
  if (conf.librdkafka.contains(property)) return "mq_conf.librdkafka." + property;
  if (property == "bootstrap.servers") return "mq_conf.bootstrap_servers";
  if (property == "security.protocol") return "mq_conf.security_protocol";
  if (property == "sasl.username") return "mq_conf.sasl_plain_username";
  if (property == "sasl.password") return "mq_conf.sasl_plain_password";
  return "mq_conf";
}

[[noreturn]] void refuse(const std::string& place, const std::string& what) {
  throw ConfigError(place + ": " + what);
}

void check_credentials(const MqConf& conf) {
  const auto protocol = security_protocol_of(conf);
  if (is_sasl(protocol)) {
    if (conf.sasl_plain_username.empty())
      refuse("mq_conf.sasl_plain_username", protocol + " needs a user name and a password");
    if (conf.sasl_plain_password.empty())
      refuse("mq_conf.sasl_plain_password", protocol + " needs a user name and a password");
    return;
  }
  const auto* place = !conf.sasl_plain_username.empty()   ? "mq_conf.sasl_plain_username"
                      : !conf.sasl_plain_password.empty() ? "mq_conf.sasl_plain_password"
                                                          : nullptr;
  if (place)
    refuse(place,
           "SASL credentials need security_protocol SASL_PLAINTEXT or SASL_SSL, not " + protocol);
}

}  // namespace

KafkaProperties producer_properties(const MqConf& conf, const std::string& client_id) {
  KafkaProperties properties;
  std::string servers;
  for (const auto& server : conf.bootstrap_servers)
    servers += (servers.empty() ? "" : ",") + server;
  properties.emplace_back("bootstrap.servers", servers);
  const auto protocol = security_protocol_of(conf);
  properties.emplace_back("security.protocol", protocol);
  if (is_sasl(protocol)) {
    properties.emplace_back("sasl.mechanisms", "PLAIN");
    properties.emplace_back("sasl.username", conf.sasl_plain_username);
    properties.emplace_back("sasl.password", conf.sasl_plain_password);
  }
  properties.emplace_back("enable.idempotence", "true");
  properties.emplace_back("acks", "all");
  // A delivery fails within 10 s rather than librdkafka's 5 minutes: while the broker is down the
  // relay's own backoff retries it, and the outbox shows it pending.
  if (!conf.librdkafka.contains("message.timeout.ms") &&
      !conf.librdkafka.contains("delivery.timeout.ms"))
    properties.emplace_back("message.timeout.ms", "10000");
  properties.emplace_back("client.id", client_id);
  for (const auto& [name, value] : conf.librdkafka) properties.emplace_back(name, value);
  return properties;
}

void check_mq_conf(const MqConf& conf) {
  check_credentials(conf);
  for (const auto& [name, value] : conf.librdkafka)
    if (auto why = why_refused(name); !why.empty()) refuse("mq_conf.librdkafka." + name, why);
  std::unique_ptr<RdKafka::Conf> kafka(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  for (const auto& [name, value] : producer_properties(conf, "warden")) {
    std::string error;
    if (kafka->set(name, value, error) != RdKafka::Conf::CONF_OK)
      refuse(place_of(conf, name), error);
  }
}

KafkaProperties masked_properties(KafkaProperties properties) {
  for (auto& [name, value] : properties)
    if (is_secret(name)) value = kMask;
  return properties;
}

std::string describe(const MqConf& conf) {
  std::string line;
  for (const auto& [name, value] : masked_properties(producer_properties(conf, ""))) {
    if (name == "client.id") continue;
    line += (line.empty() ? "" : " ") + name + "=" + value;
  }
  return line;
}

}  // namespace warden::host
