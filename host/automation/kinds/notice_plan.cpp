#include "host/automation/kinds/notice_plan.hpp"

#include "host/runtime/json_number.hpp"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <cmath>

namespace warden::host {
namespace {

// The longest wait a plan yields, whatever it multiplies to: a year.
constexpr std::int64_t kLongestWaitMs = 366LL * 24 * 3600 * 1000;

std::int64_t seconds_ms(const Poco::JSON::Object& params, const std::string& name) {
  if (!params.has(name)) return 0;
  const auto seconds = whole_number(params.get(name), 0, kLongestWaitMs / 1000);
  return seconds ? *seconds * 1000 : 0;
}

}  // namespace

NoticePlan notice_plan_from(const Poco::JSON::Object& params) {
  NoticePlan plan;
  const auto mode = params.has("mode") && params.get("mode").isString()
                        ? params.get("mode").extract<std::string>()
                        : std::string("once");
  if (mode == "interval") plan.mode = NoticePlan::Mode::interval;
  if (mode == "incremental") plan.mode = NoticePlan::Mode::incremental;
  plan.interval_ms = seconds_ms(params, "interval");
  plan.max_times = plan.mode == NoticePlan::Mode::once ? 1 : 10;
  if (params.has("max_times"))
    plan.max_times =
        whole_number(params.get("max_times"), 1, kMaxWholeNumber).value_or(plan.max_times);
  if (params.has("multiplier")) {
    const auto& value = params.get("multiplier");
    if (value.isNumeric() && !value.isBoolean()) {
      const double m = value.convert<double>();
      if (std::isfinite(m) && m >= 1) plan.multiplier = m;
    }
  }
  plan.max_interval_ms = seconds_ms(params, "max_interval");
  if (auto by = params.getArray("group_by"))
    for (std::size_t i = 0; i < by->size(); ++i)
      if (by->get(i).isString()) plan.group_by.push_back(by->get(i).extract<std::string>());
  plan.group_wait_ms = seconds_ms(params, "group_wait");
  return plan;
}

std::int64_t next_repeat_ms(const NoticePlan& plan, std::int64_t sent, std::int64_t last_ms) {
  if (plan.mode == NoticePlan::Mode::once || sent < 1 || sent >= plan.max_times) return 0;
  std::int64_t wait = plan.interval_ms;
  if (plan.mode == NoticePlan::Mode::incremental) {
    // In doubles: interval * multiplier^(sent - 1) overflows any integer long before max_times.
    const double grown = static_cast<double>(plan.interval_ms) *
                         std::pow(plan.multiplier, static_cast<double>(sent - 1));
    const double cap =
        static_cast<double>(plan.max_interval_ms > 0 ? plan.max_interval_ms : kLongestWaitMs);
    wait = static_cast<std::int64_t>(std::min({grown, cap, static_cast<double>(kLongestWaitMs)}));
  }
  wait = std::clamp<std::int64_t>(wait, 0, kLongestWaitMs);
  return last_ms + std::max<std::int64_t>(wait, 1);
}

}  // namespace warden::host
