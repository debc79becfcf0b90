#include "host/timers/timer_record.hpp"

#include <array>
#include <utility>

namespace warden::host {
namespace {

template <class Enum, std::size_t N>
using Names = std::array<std::pair<Enum, std::string_view>, N>;

constexpr Names<TimerKind, 2> kKinds{
    {{TimerKind::event, "event"}, {TimerKind::schedule, "schedule"}}};
constexpr Names<TimerType, 4> kTypes{{{TimerType::time_date, "time_date"},
                                      {TimerType::time_duration, "time_duration"},
                                      {TimerType::time_cycle, "time_cycle"},
                                      {TimerType::cron, "cron"}}};
constexpr Names<TimerState, 6> kStates{{{TimerState::pending, "pending"},
                                        {TimerState::armed, "armed"},
                                        {TimerState::done, "done"},
                                        {TimerState::ended, "ended"},
                                        {TimerState::cancelled, "cancelled"},
                                        {TimerState::disabled, "disabled"}}};
constexpr Names<Misfire, 3> kMisfires{{{Misfire::fire_once, "fire_once"},
                                       {Misfire::skip, "skip"},
                                       {Misfire::replay_all, "replay_all"}}};
constexpr Names<FireOutcome, 4> kOutcomes{{{FireOutcome::none, ""},
                                           {FireOutcome::ok, "ok"},
                                           {FireOutcome::failed, "failed"},
                                           {FireOutcome::skipped, "skipped"}}};

template <class Enum, std::size_t N>
std::string_view name_of(const Names<Enum, N>& names, Enum value) {
  for (const auto& [v, name] : names)
    if (v == value) return name;
  return "unknown";
}

template <class Enum, std::size_t N>
std::optional<Enum> value_of(const Names<Enum, N>& names, std::string_view text) {
  for (const auto& [v, name] : names)
    if (name == text) return v;
  return std::nullopt;
}

}  // namespace

std::string_view to_string(TimerKind v) {
  return name_of(kKinds, v);
}
std::string_view to_string(TimerType v) {
  return name_of(kTypes, v);
}
std::string_view to_string(TimerState v) {
  return name_of(kStates, v);
}
std::string_view to_string(Misfire v) {
  return name_of(kMisfires, v);
}
std::string_view to_string(FireOutcome v) {
  return name_of(kOutcomes, v);
}
std::optional<TimerType> parse_timer_type(std::string_view text) {
  return value_of(kTypes, text);
}
std::optional<Misfire> parse_misfire(std::string_view text) {
  return value_of(kMisfires, text);
}
TimerState parse_timer_state(std::string_view text) {
  return value_of(kStates, text).value_or(TimerState::cancelled);
}
FireOutcome parse_fire_outcome(std::string_view text) {
  return value_of(kOutcomes, text).value_or(FireOutcome::none);
}

}  // namespace warden::host
