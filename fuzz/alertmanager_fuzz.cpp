// The Alertmanager webhook message (host/alerts/alertmanager), read from JSON as its route reads
// it: its alerts, or AlertInputError.
#include "fuzz/fuzz_input.hpp"
#include "host/alerts/alertmanager.hpp"
#include "host/runtime/alert_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace warden::host;
  const auto message = warden::fuzz::json_object(warden::fuzz::as_text(data, size));
  if (!message) return 0;
  try {
    for (const auto& alert : alerts_from_alertmanager(*message)) {
      (void)alert_to_json(alert);
      (void)alert.template_data();
    }
  } catch (const AlertInputError&) {
  }
  return 0;
}
