#include "host/alerts/channel_gate.hpp"

#include "host/alerts/pipeline_detail.hpp"

#include <algorithm>

namespace warden::host {

Notice ParkedNotice::outcome_row(const std::string& notice_id, bool ended) const {
  Notice row;
  row.outcome_only = true;
  row.notice_id = notice_id;
  row.status = ended ? notice_status::failed : status;
  row.attempts = attempts;
  row.update_ms = update_ms;
  row.end_ms = ended ? update_ms : 0;
  row.next_ms = ended ? 0 : update_ms;
  if (error) row.error = *error;
  return row;
}

void ParkedNotice::overlay(Notice& notice) const {
  notice.status = status;
  notice.attempts = attempts;
  notice.update_ms = update_ms;
  notice.error = error ? *error : std::string();
}

bool ChannelGates::park_if_down(const Notice& notice, bool& probe, Poco::Int64 max_attempts) {
  std::lock_guard lock(mutex_);
  auto it = gates_.find(notice.channel_name);
  if (it == gates_.end() || !it->second.down || probe) return false;
  auto& gate = it->second;
  if (gate.let_next_through) {
    gate.let_next_through = false;
    probe = true;
    return false;
  }
  ParkedNotice parked{
      notice.status,
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

ParkedNotice ChannelGates::charged(const Gate& gate, ParkedNotice parked) {
  const int probes = gate.probes_failed - parked.charged_from;
  if (probes <= 0) return parked;
  parked.attempts += probes;
  parked.update_ms = gate.charged_ms;
  parked.error = gate.charge_error;
  parked.charged_from = gate.probes_failed;
  return parked;
}

void ChannelGates::overlay(Notice& notice) const {
  if (notice_status::ended(notice.status)) return;
  std::lock_guard lock(mutex_);
  const auto gate = gates_.find(notice.channel_name);
  if (gate == gates_.end()) return;
  const auto found = gate->second.parked.find(notice.notice_id);
  if (found == gate->second.parked.end()) return;
  const ParkedNotice parked = charged(gate->second, found->second);
  notice.attempts = parked.attempts;
  notice.error = parked.error ? *parked.error : std::string();
  notice.update_ms = parked.update_ms;
}

ParkedNotices ChannelGates::take_all(Gate& gate) {
  ParkedNotices taken;
  taken.reserve(gate.parked.size());
  for (auto& [id, parked] : gate.parked) taken.emplace_back(id, charged(gate, std::move(parked)));
  gate.parked.clear();
  gate.ends.clear();
  return taken;
}

ChannelGates::AfterAttempt ChannelGates::after_attempt(const std::string& channel,
                                                       bool transport_failure,
                                                       const std::string& detail, bool probe,
                                                       Poco::Int64 now_ms) {
  AfterAttempt out;
  std::lock_guard lock(mutex_);
  auto& gate = gates_[channel];
  if (!transport_failure) {
    gate.transport_failures = 0;
    if (!gate.down) return out;
    out.change = AfterAttempt::Change::came_up;
    out.released = take_all(gate);
    gate.down = false;
    gate.let_next_through = false;
    gate.probes_failed = 0;
    return out;
  }
  ++gate.transport_failures;
  if (!gate.down) {
    if (gate.transport_failures < kDownAfter) return out;
    gate.down = true;
    gate.probes_failed = 0;
    out.change = AfterAttempt::Change::went_down;
    return out;
  }
  if (probe) probe_failed(channel, gate, detail, now_ms, out);
  return out;
}

void ChannelGates::probe_failed(const std::string& channel, Gate& gate, const std::string& detail,
                                Poco::Int64 now_ms, AfterAttempt& out) {
  out.change = AfterAttempt::Change::probe_failed;
  out.probes_failed = ++gate.probes_failed;
  // Every parked notice loses an attempt to this probe, in memory (see charged()): those now out
  // of attempts end, and only they are handed back.
  gate.charged_ms = now_ms;
  gate.charge_error = std::make_shared<const std::string>(
      "not tried: channel \"" + channel +
      "\" is down (its probe failed: " + pipeline_detail::clipped(detail) + ")");
  for (auto end = gate.ends.begin(); end != gate.ends.end() && end->first <= out.probes_failed;
       end = gate.ends.erase(end)) {
    const auto found = gate.parked.find(end->second);
    // Gone (probed, released) or parked again since, with another end.
    if (found == gate.parked.end() || found->second.ends_at != end->first) continue;
    out.ended.emplace_back(found->first, charged(gate, std::move(found->second)));
    gate.parked.erase(found);
  }
  out.waiting = gate.parked.size();
}

ChannelGates::Probe ChannelGates::probe_due(const std::string& channel, bool usable) {
  Probe out;
  std::lock_guard lock(mutex_);
  const auto it = gates_.find(channel);
  if (it == gates_.end() || !it->second.down) return out;
  auto& gate = it->second;
  if (!usable) {
    // Nothing will probe for them: each is to end failed, saying why.
    out.action = Probe::Action::fail_all;
    out.taken = take_all(gate);
    gates_.erase(it);
  } else if (gate.parked.empty()) {
    out.action = Probe::Action::let_next_through;
    gate.let_next_through = true;
  } else {
    out.action = Probe::Action::try_one;
    auto oldest = gate.parked.extract(gate.parked.begin());
    out.taken.emplace_back(std::move(oldest.key()), charged(gate, std::move(oldest.mapped())));
  }
  return out;
}

int ChannelGates::probes_failed(const std::string& channel) const {
  std::lock_guard lock(mutex_);
  const auto it = gates_.find(channel);
  return it == gates_.end() ? 0 : it->second.probes_failed;
}

ParkedNotices ChannelGates::all_parked() const {
  ParkedNotices all;
  std::lock_guard lock(mutex_);
  for (const auto& [_, gate] : gates_)
    for (const auto& [id, parked] : gate.parked) all.emplace_back(id, charged(gate, parked));
  return all;
}

}  // namespace warden::host
