// Mustache templates with an alert (host/services/mustache_renderer, template data from
// host/automation/action_data): the template, then after a NUL byte the alert as JSON (the sample
// alert when that is not one). Checked as when saved, and rendered with an escape the input's
// length picks: a text or an error, within the limits, never a crash.
#include "fuzz/fuzz_input.hpp"
#include "host/automation/action_data.hpp"
#include "host/automation/sample_alert.hpp"
#include "host/runtime/alert_json.hpp"
#include "host/services/mustache_renderer.hpp"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace warden;
  using namespace warden::host;
  const auto [tpl, alert_text] = warden::fuzz::split_at_nul(warden::fuzz::as_text(data, size));
  Alert alert = sample_alert();
  if (const auto json = warden::fuzz::json_object(alert_text)) {
    try {
      alert = alert_from_json(*json);
    } catch (const AlertInputError&) {
    }
  }
  const auto template_data = action_data(
      {alert},
      {.signal = "firing", .policy = "fuzz", .action_id = "a1", .alert_id = "r1", .repeat = 2});
  const TemplateLimits limits;
  (void)check_template(tpl, limits);
  MustacheRenderer renderer(limits);
  // One escape per input (a render costs most of an input's time): picked by the input's length.
  constexpr Escape kEscapes[] = {Escape::none, Escape::html, Escape::json};
  const auto rendered = renderer.render(tpl, *template_data, kEscapes[size % 3]);
  if (rendered.text.size() > limits.max_output_bytes) std::abort();
  return 0;
}
