// The down-channel gate of NoticePipeline (see its Gate): parking notices behind one probe while a
// channel instance refuses or drops connections, and releasing them when it answers again.
#include "host/alerts/channel_instances.hpp"
#include "host/alerts/notice_pipeline.hpp"
#include "host/alerts/pipeline_detail.hpp"
#include "host/alerts/retry_policy.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace warden::host {

using pipeline_detail::clipped;
using pipeline_detail::random01;

bool NoticePipeline::park_if_down(Notice& notice, bool& probe) {
  std::lock_guard lock(gates_mutex_);
  auto it = gates_.find(notice.channel_name);
  if (it == gates_.end() || !it->second.down || probe) return false;
  if (it->second.let_next_through) {
    it->second.let_next_through = false;
    probe = true;
    return false;
  }
  // The alert is read back from alert_json if the notice goes out: a parked notice may wait long,
  // and it alone would keep the alert alive.
  notice.alert.reset();
  auto id = notice.notice_id;
  it->second.parked.insert_or_assign(std::move(id), std::move(notice));
  return true;
}

void NoticePipeline::overlay_parked(Notice& notice) const {
  if (notice_status::ended(notice.status)) return;
  std::lock_guard lock(gates_mutex_);
  const auto gate = gates_.find(notice.channel_name);
  if (gate == gates_.end()) return;
  const auto parked = gate->second.parked.find(notice.notice_id);
  if (parked == gate->second.parked.end()) return;
  notice.attempts = parked->second.attempts;
  notice.error = parked->second.error;
  notice.update_ms = parked->second.update_ms;
}

void NoticePipeline::after_attempt(const ChannelInstance& instance, const SendOutcome& outcome,
                                   bool probe) {
  const auto& d = outcome.delivery;
  const bool transport_failure = !d.delivered && d.http_status == 0;
  std::vector<Notice> released, ended;
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
      gate.down = false;
      gate.let_next_through = false;
      gate.probes_failed = 0;
      came_up = true;
      for (auto& [_, n] : gate.parked) released.push_back(std::move(n));
      gate.parked.clear();
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
        // Every parked notice loses an attempt to this probe, in memory: those out of attempts
        // end (and only they are stored).
        const auto now = now_ms();
        const auto error = "not tried: channel \"" + instance.name +
                           "\" is down (its probe failed: " + clipped(last_error) + ")";
        for (auto it = gate.parked.begin(); it != gate.parked.end();) {
          auto& n = it->second;
          ++n.attempts;
          n.update_ms = now;
          n.error = error;
          if (n.attempts < instance.delivery.attempts) {
            ++it;
            continue;
          }
          ended.push_back(std::move(n));
          it = gate.parked.erase(it);
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
    for (auto& n : released) enqueue(std::move(n));
    return;
  }
  if (probes_failed > 0) {
    // Thousands of notices may end at one probe. Stored a slice per commit, each waited for, so
    // the alerts coming in meanwhile join those commits instead of waiting behind one long one.
    const auto now = now_ms();
    for (std::size_t at = 0; at < ended.size(); at += kEndedPerCommit) {
      const auto until = std::min(ended.size(), at + kEndedPerCommit);
      std::vector<Notice> slice;
      slice.reserve(until - at);
      for (std::size_t i = at; i < until; ++i) {
        auto& n = ended[i];
        n.status = notice_status::failed;
        n.next_ms = 0;
        n.end_ms = now;
        ++failed_;
        slice.push_back(std::move(n));
      }
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
  std::vector<Notice> orphans;  // the instance is gone or disabled: nothing will probe for them
  Notice notice;
  {
    std::lock_guard lock(gates_mutex_);
    auto& gate = gates_[channel_name];
    if (!gate.down) return;
    if (!instance || !instance->enabled) {
      for (auto& [_, n] : gate.parked) orphans.push_back(std::move(n));
      gates_.erase(channel_name);
    } else if (gate.parked.empty()) {
      gate.let_next_through = true;  // the next notice to come is the probe
      return;
    } else {
      notice = std::move(gate.parked.extract(gate.parked.begin()).mapped());
    }
  }
  if (!instance || !instance->enabled) {
    for (auto& n : orphans) deliver(std::move(n));  // each ends failed, saying why
    return;
  }
  post_to_lane(*instance, [this, notice = std::move(notice)]() mutable {
    --queued_;
    deliver(std::move(notice), /*probe=*/true);
  });
}

}  // namespace warden::host
