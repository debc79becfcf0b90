#pragma once

#include <warden/alert.hpp>

#include <Poco/JSON/Object.h>

#include <stdexcept>
#include <string>

namespace warden::host {

/// Reads an alert (SPEC §6) from a JSON object. Unknown fields are refused; every field has its
/// type checked. Throws AlertInputError naming the field (`"alert.labels.team" must be a string`).
/// `place` prefixes field names in messages ("alert", "alerts[3]").
Alert alert_from_json(const Poco::JSON::Object& json, const std::string& place = "alert");

/// An alert as alert_to_json stored it: every field has its type checked, but not the rules for an
/// alert coming in (a known type, some text), which a plugin's alert need not have kept.
Alert stored_alert_from_json(const Poco::JSON::Object& json, const std::string& place = "alert");

/// The alert as stored with a notice (every field, the dedupe key as given).
Poco::JSON::Object::Ptr alert_to_json(const Alert& alert);

class AlertInputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace warden::host
