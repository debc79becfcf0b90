// Timer definitions (host/timers/timer_definition): the first byte picks the type (time_date,
// time_duration, time_cycle), the rest is the definition. A definition is read or refused with
// TimerDefinitionError; a read one answers its first firings without failing otherwise.
#include "fuzz/fuzz_input.hpp"
#include "host/timers/timer_definition.hpp"

#include <array>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace warden::host;
  if (size == 0) return 0;
  static constexpr std::array<std::string_view, 3> kTypes = {"time_date", "time_duration",
                                                             "time_cycle"};
  const auto type = kTypes[data[0] % kTypes.size()];
  const auto text = warden::fuzz::as_text(data + 1, size - 1);
  try {
    const auto definition = TimerDefinition::parse(type, text);
    const TimePoint armed(std::chrono::milliseconds(1'795'000'000'000));  // 2026-11-19
    for (std::int64_t fired = 0; fired < 3; ++fired) (void)definition.due_or_none(armed, fired);
    (void)definition.first_not_due_by(armed, 0, armed + std::chrono::hours(24 * 400));
    (void)definition.period_ms();
  } catch (const TimerDefinitionError&) {
  }
  try {
    (void)IsoDuration::parse(text);
  } catch (const TimerDefinitionError&) {
  }
  return 0;
}
