// Cron schedules (host/timers/cron_schedule): the expression, then after a NUL byte the time zone
// (UTC when there is none). An expression is read or refused with TimerDefinitionError; a read one
// answers its next firings.
#include "fuzz/fuzz_input.hpp"
#include "host/timers/cron_schedule.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace warden::host;
  auto [expression, zone] = warden::fuzz::split_at_nul(warden::fuzz::as_text(data, size));
  if (zone.empty()) zone = "UTC";
  try {
    const auto schedule = CronSchedule::parse(expression, zone);
    std::optional<TimePoint> at = TimePoint(std::chrono::milliseconds(1'795'000'000'000));
    for (int i = 0; i < 3 && at; ++i) at = schedule.next_after(*at);
  } catch (const TimerDefinitionError&) {
  }
  return 0;
}
