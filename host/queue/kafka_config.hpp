#pragma once

#include "host/config/mq_conf.hpp"

#include <string>
#include <utility>
#include <vector>

namespace warden::host {

/// librdkafka properties as (name, value), in the order they are set.
using KafkaProperties = std::vector<std::pair<std::string, std::string>>;

/// The idempotent producer's properties for `conf`: bootstrap.servers, security.protocol, the SASL
/// PLAIN credentials (SASL only), enable.idempotence, acks, message.timeout.ms (10000 unless the
/// extras set it), client.id, then `conf.librdkafka`. Pure: nothing is checked here.
KafkaProperties producer_properties(const MqConf& conf, const std::string& client_id);

/// Throws ConfigError naming the place (`mq_conf.librdkafka.foo: …`) when librdkafka refuses a
/// property, when credentials and the security protocol disagree, or when an extra would set a
/// mapped property, the producer's guarantees or a callback.
void check_mq_conf(const MqConf& conf);

/// `properties` with every secret's value `******`, for logs and anything shown.
KafkaProperties masked_properties(KafkaProperties properties);

/// One log line: the producer's properties, masked (client.id left out).
std::string describe(const MqConf& conf);

}  // namespace warden::host
