#pragma once

#include <map>
#include <string>
#include <vector>

namespace warden::host {

/// `mq_conf` (seed 004): the Kafka cluster external services' tasks are published to.
struct MqConf {
  std::vector<std::string> bootstrap_servers;
  std::string security_protocol;  // "" = default: SASL_SSL with credentials, else PLAINTEXT
  std::string sasl_plain_username, sasl_plain_password;
  std::map<std::string, std::string> librdkafka;  // further properties
  bool configured() const { return !bootstrap_servers.empty(); }
};

}  // namespace warden::host
