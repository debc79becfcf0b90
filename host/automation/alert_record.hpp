#pragma once

#include <warden/alert.hpp>

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace warden::host {

/// What a change of an alert record says to the policies (seed 002's trigger signals).
enum class Signal { abnormal, recovered, no_data, closed };
std::string_view to_string(Signal signal);
std::optional<Signal> signal_from_string(std::string_view text);

/// The signal an incoming alert's `status` carries: resolved / recovered / ok / normal (any case)
/// are `recovered`; no_data / nodata are `no_data`; anything else is `abnormal`.
Signal signal_of_status(std::string_view status);

/// The record key of an alert: its `id` when the source gives one (Alertmanager's fingerprint),
/// else an explicit `dedupe_key`, else source|type|subject. Never the status, so that firing and
/// resolved meet in one record.
std::string fingerprint_of(const Alert& alert);

/// One alert's life, keyed by fingerprint: `abnormal` (firing) → `recovered` → `closed` (by hand,
/// or `close_after` once recovered). `no_data` is a state too, while the source reports it.
struct AlertRecord {
  std::string id;  ///< al_<uuid>
  std::string fingerprint;
  std::string state;       ///< abnormal | recovered | no_data | closed
  Alert alert;             ///< the latest alert in
  std::int64_t count = 0;  ///< alerts in with this fingerprint while the record was open
  std::int64_t first_ms = 0, last_ms = 0;  ///< first and latest alert in
  std::int64_t recovered_ms = 0, closed_ms = 0;
  std::string closed_by, close_reason;
  std::string origin;  ///< api | alertmanager | plugin:<key>

  bool open() const { return state != "closed"; }
};

/// The outcome of one alert meeting its record.
struct Observation {
  AlertRecord record;
  std::optional<Signal> fired;  ///< the signal the policies hear, when the state changed
  bool created = false;         ///< a new record (none open for this fingerprint)
};

/// Pure: `current` is the open record of the alert's fingerprint, if any. A new record starts in
/// the alert's signal's state and fires it; the same state again only counts (no signal); another
/// state (abnormal → recovered, recovered → abnormal again, → no_data) moves the record and fires.
/// `new_id` names a record that has to be made.
Observation observe(const std::optional<AlertRecord>& current, const Alert& alert,
                    const std::string& origin, std::int64_t now_ms, const std::string& new_id);

/// Pure: the record closed at `now_ms`; fires `closed`.
Observation close(const AlertRecord& record, std::int64_t now_ms, const std::string& by,
                  const std::string& reason);

/// The record as its table keeps it (and `alert_record_from_json` reads back).
Poco::JSON::Object::Ptr alert_record_to_json(const AlertRecord& record);
AlertRecord alert_record_from_json(const Poco::JSON::Object& json);

}  // namespace warden::host
