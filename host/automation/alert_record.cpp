// STAND-IN (auto/policies): only the Signal texts policies need, so this branch links on its own.
// The alert-records branch (auto/records) writes the whole of this file: on merge, take theirs.
#include "host/automation/alert_record.hpp"

namespace warden::host {

std::string_view to_string(Signal signal) {
  switch (signal) {
    case Signal::abnormal:
      return "abnormal";
    case Signal::recovered:
      return "recovered";
    case Signal::no_data:
      return "no_data";
    case Signal::closed:
      return "closed";
  }
  return "abnormal";
}

std::optional<Signal> signal_from_string(std::string_view text) {
  for (const auto signal : {Signal::abnormal, Signal::recovered, Signal::no_data, Signal::closed})
    if (to_string(signal) == text) return signal;
  return std::nullopt;
}

}  // namespace warden::host
