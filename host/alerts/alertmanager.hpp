#pragma once

#include <warden/alert.hpp>

#include <Poco/JSON/Object.h>

#include <vector>

namespace warden::host {

/// The alerts of one Prometheus Alertmanager webhook message (version 4), one per entry of
/// `alerts`: title from the `summary` annotation (else `alertname`), message from `description`,
/// severity from the `severity` label, source from `job` (else `instance`), id the fingerprint,
/// link the generator URL, every label kept, dedupe key `<fingerprint>|<status>`. Throws
/// AlertInputError naming the place for anything else.
std::vector<Alert> alerts_from_alertmanager(const Poco::JSON::Object& message);

}  // namespace warden::host
