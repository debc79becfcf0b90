// How NoticePipeline does what ChannelGates decides for a down channel instance: parked notices
// read back and sent when it is up again, ended when a failed probe ran them out of attempts, and
// the probes armed at growing intervals.
#include "host/alerts/notice_pipeline.hpp"
#include "host/alerts/notice_store.hpp"
#include "host/alerts/pipeline_detail.hpp"
#include "host/alerts/retry_policy.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <string_view>
#include <unordered_map>

namespace warden::host {

std::vector<Notice> NoticePipeline::unpark(const ParkedNotices& parked) {
  journal_->flush();
  std::vector<std::string> ids;
  ids.reserve(parked.size());
  for (const auto& [id, _] : parked) ids.push_back(id);
  std::vector<Notice> notices;
  try {
    notices = store_.find_many(ids);
  } catch (const std::exception& e) {
    spdlog::error("notices: {} parked notice(s) could not be read back: {}", ids.size(), e.what());
    return notices;
  }
  std::unordered_map<std::string_view, const ParkedNotice*> memory;
  for (const auto& [id, p] : parked) memory.emplace(id, &p);
  for (auto& n : notices) memory.at(n.notice_id)->overlay(n);
  std::sort(notices.begin(), notices.end(),
            [](const Notice& a, const Notice& b) { return a.notice_id < b.notice_id; });
  if (notices.size() < parked.size())
    spdlog::error("notices: {} parked notice(s) are missing from the store",
                  parked.size() - notices.size());
  return notices;
}

void NoticePipeline::after_attempt(const ChannelInstance& instance, const SendOutcome& outcome,
                                   bool probe) {
  const auto& d = outcome.delivery;
  const bool transport_failure = !d.delivered && d.http_status == 0;
  auto after =
      gates_.after_attempt(instance.name, transport_failure, d.detail, probe, clock_.now_ms());
  using Change = ChannelGates::AfterAttempt::Change;
  switch (after.change) {
    case Change::none:
      return;
    case Change::went_down:
      spdlog::warn(
          "channel {} is down after {} failed connections in a row ({}); notices wait "
          "for a probe",
          instance.name, ChannelGates::kDownAfter, d.detail);
      arm_probe(instance, 0);
      return;
    case Change::came_up:
      spdlog::info("channel {} is up again; {} parked notice(s) go out", instance.name,
                   after.released.size());
      for (auto& n : unpark(after.released)) enqueue(std::move(n));
      return;
    case Change::probe_failed:
      end_parked(after.ended);
      if (!after.ended.empty())
        spdlog::warn("channel {} is still down: {} notice(s) failed, out of attempts; {} wait",
                     instance.name, after.ended.size(), after.waiting);
      arm_probe(instance, after.probes_failed);
      return;
  }
}

void NoticePipeline::end_parked(const ParkedNotices& ended) {
  // Thousands of notices may end at one probe. Stored a slice per commit, each waited for, so the
  // alerts coming in meanwhile join those commits instead of waiting behind one long one.
  for (std::size_t at = 0; at < ended.size(); at += kEndedPerCommit) {
    const auto until = std::min(ended.size(), at + kEndedPerCommit);
    std::vector<Notice> slice;
    slice.reserve(until - at);
    for (std::size_t i = at; i < until; ++i)
      slice.push_back(ended[i].second.outcome_row(ended[i].first, /*ended=*/true));
    failed_ += slice.size();
    store_and_wait(std::move(slice));
  }
}

void NoticePipeline::arm_probe(const ChannelInstance& instance, int probes_failed) {
  const auto delay =
      std::max<std::int64_t>(10, retry_delay_ms(instance.delivery, probes_failed + 1, Delivery{},
                                                pipeline_detail::random01()));
  ++waiting_;
  timers_.schedule_at_ms(clock_.now_ms() + delay, [this, name = instance.name] {
    --waiting_;
    probe(name);
  });
}

void NoticePipeline::probe(const std::string& channel_name) {
  const auto instance = channels_.find(channel_name);
  auto due = gates_.probe_due(channel_name, instance && instance->enabled);
  using Action = ChannelGates::Probe::Action;
  if (due.action == Action::fail_all) {
    // deliver() ends each failed, saying why.
    for (auto& n : unpark(due.taken)) deliver(std::move(n));
    return;
  }
  if (due.action != Action::try_one) return;
  // Read back and tried on the channel's lane, not on the timer thread.
  post_to_lane(*instance, [this, instance, taken = std::move(due.taken)] {
    --queued_;
    auto notices = unpark(taken);
    if (notices.empty()) {  // unreadable: the next probe tries the next one
      arm_probe(*instance, gates_.probes_failed(instance->name));
      return;
    }
    deliver(std::move(notices.front()), /*probe=*/true);
  });
}

}  // namespace warden::host
