// The down-channel gate of NoticePipeline (see its Gate): parking notices behind one probe while a
// channel instance refuses or drops connections, and releasing them when it answers again.
#include "host/alerts/channel_instances.hpp"
#include "host/alerts/notice_pipeline.hpp"
#include "host/alerts/notice_store.hpp"
#include "host/alerts/pipeline_detail.hpp"
#include "host/alerts/retry_policy.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <iterator>
#include <string_view>
#include <unordered_map>

namespace warden::host {

using pipeline_detail::clipped;
using pipeline_detail::random01;

bool NoticePipeline::park_if_down(Notice& notice, bool& probe, Poco::Int64 max_attempts) {
  std::lock_guard lock(gates_mutex_);
  auto it = gates_.find(notice.channel_name);
  if (it == gates_.end() || !it->second.down || probe) return false;
  auto& gate = it->second;
  if (gate.let_next_through) {
    gate.let_next_through = false;
    probe = true;
    return false;
  }
  Parked parked{notice.status,
                notice.attempts,
                notice.update_ms,
                notice.error.empty() ? nullptr : std::make_shared<const std::string>(notice.error),
                gate.probes_failed,
                gate.probes_failed +
                    static_cast<int>(std::max<Poco::Int64>(1, max_attempts - notice.attempts))};
  gate.ends.emplace(parked.ends_at, notice.notice_id);
  gate.parked.insert_or_assign(notice.notice_id, std::move(parked));
  return true;
}

NoticePipeline::Parked NoticePipeline::charged(const Gate& gate, Parked parked) {
  const int probes = gate.probes_failed - parked.charged_from;
  if (probes <= 0) return parked;
  parked.attempts += probes;
  parked.update_ms = gate.charged_ms;
  parked.error = gate.charge_error;
  parked.charged_from = gate.probes_failed;
  return parked;
}

void NoticePipeline::overlay_parked(Notice& notice) const {
  if (notice_status::ended(notice.status)) return;
  std::lock_guard lock(gates_mutex_);
  const auto gate = gates_.find(notice.channel_name);
  if (gate == gates_.end()) return;
  const auto found = gate->second.parked.find(notice.notice_id);
  if (found == gate->second.parked.end()) return;
  const Parked parked = charged(gate->second, found->second);
  notice.attempts = parked.attempts;
  notice.error = parked.error ? *parked.error : std::string();
  notice.update_ms = parked.update_ms;
}

Notice NoticePipeline::outcome_row(const std::string& notice_id, const Parked& parked, bool ended) {
  Notice row;
  row.outcome_only = true;
  row.notice_id = notice_id;
  row.status = ended ? notice_status::failed : parked.status;
  row.attempts = parked.attempts;
  row.update_ms = parked.update_ms;
  row.end_ms = ended ? parked.update_ms : 0;
  row.next_ms = ended ? 0 : parked.update_ms;
  if (parked.error) row.error = *parked.error;
  return row;
}

std::vector<Notice> NoticePipeline::unpark(std::vector<std::pair<std::string, Parked>> parked) {
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
  std::unordered_map<std::string_view, const Parked*> memory;
  for (const auto& [id, p] : parked) memory.emplace(id, &p);
  for (auto& n : notices) {
    const Parked& p = *memory.at(n.notice_id);
    n.status = p.status;
    n.attempts = p.attempts;
    n.update_ms = p.update_ms;
    n.error = p.error ? *p.error : std::string();
  }
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
  std::vector<std::pair<std::string, Parked>> released, ended;
  std::size_t waiting = 0;
  int probes_failed = 0;
  bool went_down = false, came_up = false;
  std::string last_error;
  {
    std::lock_guard lock(gates_mutex_);
    auto& gate = gates_[instance.name];
    if (!transport_failure) {
      gate.transport_failures = 0;
      if (!gate.down) return;
      came_up = true;
      released.reserve(gate.parked.size());
      for (auto& [id, parked] : gate.parked)
        released.emplace_back(id, charged(gate, std::move(parked)));
      gate.parked.clear();
      gate.ends.clear();
      gate.down = false;
      gate.let_next_through = false;
      gate.probes_failed = 0;
    } else {
      ++gate.transport_failures;
      gate.last_error = d.detail;
      if (!gate.down) {
        if (gate.transport_failures < kDownAfter) return;
        gate.down = went_down = true;
        gate.probes_failed = 0;
      } else if (probe) {
        probes_failed = ++gate.probes_failed;
        last_error = gate.last_error;
        // Every parked notice loses an attempt to this probe, in memory (see charged()): those
        // now out of attempts end, and only they are stored.
        gate.charged_ms = now_ms();
        gate.charge_error = std::make_shared<const std::string>(
            "not tried: channel \"" + instance.name +
            "\" is down (its probe failed: " + clipped(last_error) + ")");
        for (auto end = gate.ends.begin(); end != gate.ends.end() && end->first <= probes_failed;
             end = gate.ends.erase(end)) {
          const auto found = gate.parked.find(end->second);
          // Gone (probed, released) or parked again since, with another end.
          if (found == gate.parked.end() || found->second.ends_at != end->first) continue;
          ended.emplace_back(found->first, charged(gate, std::move(found->second)));
          gate.parked.erase(found);
        }
        waiting = gate.parked.size();
      } else {
        return;
      }
    }
  }
  if (went_down) {
    spdlog::warn(
        "channel {} is down after {} failed connections in a row ({}); notices wait "
        "for a probe",
        instance.name, kDownAfter, d.detail);
    arm_probe(instance, 0);
    return;
  }
  if (came_up) {
    spdlog::info("channel {} is up again; {} parked notice(s) go out", instance.name,
                 released.size());
    for (auto& n : unpark(std::move(released))) enqueue(std::move(n));
    return;
  }
  if (probes_failed > 0) {
    // Thousands of notices may end at one probe. Stored a slice per commit, each waited for, so
    // the alerts coming in meanwhile join those commits instead of waiting behind one long one.
    for (std::size_t at = 0; at < ended.size(); at += kEndedPerCommit) {
      const auto until = std::min(ended.size(), at + kEndedPerCommit);
      std::vector<Notice> slice;
      slice.reserve(until - at);
      for (std::size_t i = at; i < until; ++i)
        slice.push_back(outcome_row(ended[i].first, ended[i].second, /*ended=*/true));
      failed_ += slice.size();
      store_and_wait(std::move(slice));
    }
    if (!ended.empty())
      spdlog::warn("channel {} is still down: {} notice(s) failed, out of attempts; {} wait",
                   instance.name, ended.size(), waiting);
    arm_probe(instance, probes_failed);
  }
}

void NoticePipeline::arm_probe(const ChannelInstance& instance, int probes_failed) {
  const auto delay = std::max<std::int64_t>(
      10, retry_delay_ms(instance.delivery, probes_failed + 1, Delivery{}, random01()));
  ++waiting_;
  timers_.schedule_at_ms(now_ms() + delay, [this, name = instance.name] {
    --waiting_;
    probe(name);
  });
}

void NoticePipeline::probe(const std::string& channel_name) {
  const auto instance = channels_.find(channel_name);
  std::vector<std::pair<std::string, Parked>> taken;
  {
    std::lock_guard lock(gates_mutex_);
    auto& gate = gates_[channel_name];
    if (!gate.down) return;
    if (!instance || !instance->enabled) {
      // Nothing will probe for them: each goes to deliver, which ends it failed, saying why.
      for (auto& [id, parked] : gate.parked)
        taken.emplace_back(id, charged(gate, std::move(parked)));
      gates_.erase(channel_name);
    } else if (gate.parked.empty()) {
      gate.let_next_through = true;  // the next notice to come is the probe
      return;
    } else {
      auto oldest = gate.parked.extract(gate.parked.begin());
      taken.emplace_back(std::move(oldest.key()), charged(gate, std::move(oldest.mapped())));
    }
  }
  if (!instance || !instance->enabled) {
    for (auto& n : unpark(std::move(taken))) deliver(std::move(n));
    return;
  }
  // Read back and tried on the channel's lane, not on the timer thread.
  post_to_lane(*instance, [this, instance, taken = std::move(taken)]() mutable {
    --queued_;
    auto notices = unpark(std::move(taken));
    if (notices.empty()) {  // unreadable: the next probe tries the next one
      int probes_failed = 0;
      {
        std::lock_guard lock(gates_mutex_);
        probes_failed = gates_[instance->name].probes_failed;
      }
      arm_probe(*instance, probes_failed);
      return;
    }
    deliver(std::move(notices.front()), /*probe=*/true);
  });
}

}  // namespace warden::host
