#include "host/alerts/notice_pipeline.hpp"

#include "host/alerts/alert_json.hpp"
#include "host/alerts/circuit_breaker.hpp"
#include "host/alerts/notice_store.hpp"
#include "host/alerts/pipeline_detail.hpp"
#include "host/alerts/retry_policy.hpp"

#include <warden/json_value.hpp>

#include <Poco/JSON/Parser.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <condition_variable>
#include <sstream>

namespace warden::host {

using pipeline_detail::clipped;
using pipeline_detail::random01;
namespace {

/// The alert a notice carries, with the count said when it stands for several.
Alert alert_of(const Notice& notice) {
  Alert alert;
  if (notice.alert) {
    alert = *notice.alert;  // as raised in this process: no need to parse the stored text
  } else {
    const auto json =
        Poco::JSON::Parser().parse(notice.alert_json).extract<Poco::JSON::Object::Ptr>();
    alert = alert_from_json(*json, "notice.alert");
  }
  if (notice.aggregated > 1) {
    const auto n = std::to_string(notice.aggregated);
    alert.title = "[" + n + "x] " + alert.title;
    alert.message += (alert.message.empty() ? "" : "\n") + n + " alerts with dedupe key \"" +
                     notice.dedupe_key + "\" came in this window.";
  }
  return alert;
}

}  // namespace

/// Counts the rows of one request down to their commits.
struct NoticePipeline::Waiter {
  std::mutex mutex;
  std::condition_variable done;
  std::size_t remaining = 0;
  bool ok = true;

  Journal::Then then() {
    return [this](bool committed) {
      std::lock_guard lock(mutex);
      ok = ok && committed;
      if (--remaining == 0) done.notify_all();
    };
  }
  bool wait() {
    std::unique_lock lock(mutex);
    done.wait(lock, [&] { return remaining == 0; });
    return ok;
  }
};

NoticePipeline::NoticePipeline(NoticeStore& store, const ChannelInstances& channels,
                               const CircuitBreaker& breaker, ChannelSender sender,
                               std::int64_t max_age_ms, const Clock& clock)
    : store_(store),
      channels_(channels),
      breaker_(breaker),
      sender_(std::move(sender)),
      max_age_ms_(max_age_ms),
      clock_(clock),
      timers_(clock),
      journal_(std::make_unique<Journal>(
          "notice", [&store](std::vector<Notice>& rows) { store.write(rows); },
          // An outcome row never replaces a whole row of the same notice in a batch (the whole
          // row's detail would be lost): both are written, the whole one first (NoticeStore).
          [](const Notice& n) {
            return n.outcome_only ? "outcome " + n.notice_id : n.notice_id;
          })) {}

NoticePipeline::~NoticePipeline() {
  stop();
}

void NoticePipeline::start() {
  const auto now = clock_.now_ms();
  std::size_t picked = 0;
  for (auto& notice : store_.unfinished()) {
    ++picked;
    const auto instance = channels_.find(notice.channel_name);
    if (notice.status == std::string(notice_status::created) && notice.next_ms > now && instance &&
        instance->delivery.dedupe_window_ms > 0) {
      // A dedupe window that was open: it stays open for the same key until it closes.
      windows_.reopen(notice);
      arm_window(notice);
      continue;
    }
    const auto due = notice.next_ms;
    schedule(std::move(notice), due);
  }
  if (picked) spdlog::info("notices: picked up {} unfinished from the store", picked);
  timers_.schedule_at_ms(now, [this] { remove_expired(); });
}

void NoticePipeline::remove_expired() {
  const auto now = clock_.now_ms();
  std::size_t removed = 0;
  try {
    removed = store_.remove_ended(now - max_age_ms_, kRemovedPerSlice);
  } catch (const std::exception& e) {
    spdlog::warn("notices: could not delete old ended notices (tried again in an hour): {}",
                 e.what());
  }
  removed_ += removed;
  if (removed > 0)
    spdlog::info("notices: deleted {} ended more than {} s ago", removed, max_age_ms_ / 1000);
  timers_.schedule_at_ms(removed == kRemovedPerSlice ? now : now + kRemoveEveryMs,
                         [this] { remove_expired(); });
}

void NoticePipeline::stop() {
  if (!lanes_.close()) return;  // no lane is made or posted to from now on
  timers_.stop();
  // Running deliveries end and submit their rows; queued ones stay stored for the next start.
  lanes_.stop();
  // Parked notices too, with the attempts their channel's failed probes charged them.
  for (const auto& [id, parked] : gates_.all_parked()) store(parked.outcome_row(id, false));
  journal_->flush();
  journal_->stop();
}

Notice NoticePipeline::make_notice(const ChannelInstance& instance,
                                   const std::shared_ptr<const Alert>& alert,
                                   const std::string& alert_json, const std::string& origin,
                                   std::int64_t now) const {
  Notice n;
  n.notice_id = make_notice_id(now);
  n.channel_name = instance.name;
  n.channel = instance.channel;
  n.origin = origin;
  n.alert = alert;
  n.alert_json = alert_json;
  n.dedupe_key = alert->effective_dedupe_key();
  n.create_ms = n.update_ms = n.next_ms = now;
  return n;
}

void NoticePipeline::store(Notice notice, Journal::Then then) {
  journal_->submit(std::move(notice), std::move(then));
}

bool NoticePipeline::store_and_wait(std::vector<Notice> rows) {
  Waiter waiter;
  waiter.remaining = 1;
  journal_->submit_all(std::move(rows), waiter.then());
  return waiter.wait();
}

void NoticePipeline::fail(Notice notice, std::string error, std::int64_t now) {
  notice.status = notice_status::failed;
  notice.error = std::move(error);
  notice.end_ms = notice.update_ms = now;
  ++failed_;
  store(std::move(notice));
}

std::vector<ChannelInstances::Snapshot> NoticePipeline::targets_of(
    const std::vector<std::string>& targets) const {
  std::vector<ChannelInstances::Snapshot> instances;
  if (targets.empty()) {
    for (const auto& name : channels_.enabled_names())
      if (auto instance = channels_.find(name)) instances.push_back(instance);
    if (instances.empty())
      throw RequestError(RequestError::Kind::conflict,
                         "no enabled channel instance to send to; configure one with PUT "
                         "/api/channels/{name}");
    return instances;
  }
  for (const auto& name : targets) {
    const bool named_before = std::any_of(instances.begin(), instances.end(),
                                          [&](const auto& i) { return i->name == name; });
    if (named_before) continue;  // one notice per channel instance
    auto instance = channels_.find(name);
    if (!instance)
      throw RequestError(RequestError::Kind::not_found,
                         "unknown channel instance \"" + name + "\"");
    if (!instance->enabled)
      throw RequestError(RequestError::Kind::conflict,
                         "channel instance \"" + name + "\" is disabled");
    instances.push_back(std::move(instance));
  }
  return instances;
}

bool NoticePipeline::admit(Notice& notice, const Alert& alert, const ChannelInstance& instance,
                           std::int64_t now) {
  if (auto rule = breaker_.match(alert, instance.name, now)) {
    notice.status = notice_status::blocked;
    notice.blocked_by = *rule;
    notice.end_ms = now;
    notice.next_ms = 0;
    ++blocked_;
    return false;
  }
  if (instance.delivery.dedupe_window_ms <= 0) return false;
  auto [held, joined] =
      windows_.join_or_open(std::move(notice), now, now + instance.delivery.dedupe_window_ms);
  notice = std::move(held);
  if (joined) ++aggregated_;
  return joined;
}

std::vector<Notice> NoticePipeline::raise(const Alert& alert,
                                          const std::vector<std::string>& targets,
                                          const std::string& origin) {
  const auto instances = targets_of(targets);
  const auto now = clock_.now_ms();
  const auto shared_alert = std::make_shared<const Alert>(alert);
  const auto alert_json = compact_json(*alert_to_json(alert));
  std::vector<Notice> rows;    // to store
  std::vector<Notice> answer;  // what the caller hears about, one per target
  std::string holder;          // the first new notice: its row holds the alert for the others
  for (const auto& instance : instances) {
    Notice notice =
        make_notice(*instance, shared_alert, holder.empty() ? alert_json : "", origin, now);
    notice.alert_of = holder;
    if (!admit(notice, alert, *instance, now)) {
      if (holder.empty()) holder = notice.notice_id;
      ++created_;
    }
    answer.push_back(notice);
    rows.push_back(std::move(notice));
  }
  if (!store_and_wait(std::move(rows)))
    throw RequestError(RequestError::Kind::unavailable,
                       "the notices could not be stored; see the host log");
  release(answer);
  return answer;
}

void NoticePipeline::release(const std::vector<Notice>& answer) {
  // A window's notice goes out when the window closes.
  for (const auto& notice : answer) {
    if (notice.status != std::string(notice_status::created) || notice.aggregated > 1) continue;
    const auto instance = channels_.find(notice.channel_name);
    if (instance && instance->delivery.dedupe_window_ms > 0)
      arm_window(notice);
    else
      enqueue(notice);
  }
}

void NoticePipeline::raise_async(const Alert& alert, const std::vector<std::string>& targets,
                                 const std::string& origin) noexcept {
  try {
    raise(alert, targets, origin);
  } catch (const std::exception& e) {
    spdlog::error("notices: an alert from {} was not accepted: {}", origin, e.what());
  }
}

void NoticePipeline::arm_window(const Notice& notice) {
  ++waiting_;
  timers_.schedule_at_ms(notice.next_ms,
                         [this, channel = notice.channel_name, key = notice.dedupe_key] {
                           --waiting_;
                           close_window(channel, key);
                         });
}

void NoticePipeline::close_window(const std::string& channel_name, const std::string& dedupe_key) {
  if (auto notice = windows_.close(channel_name, dedupe_key)) enqueue(std::move(*notice));
}

void NoticePipeline::schedule(Notice notice, std::int64_t due_ms) {
  if (due_ms <= clock_.now_ms()) return enqueue(std::move(notice));
  ++waiting_;
  timers_.schedule_at_ms(due_ms, [this, notice = std::move(notice)]() mutable {
    --waiting_;
    enqueue(std::move(notice));
  });
}

void NoticePipeline::post_to_lane(const ChannelInstance& instance, WorkQueue::Job job) {
  ++queued_;
  // Refused once stopping: the notice stays stored as it is, and the next start sends it.
  if (!lanes_.post(instance.name, instance.delivery.concurrency, std::move(job))) --queued_;
}

void NoticePipeline::enqueue(Notice notice) {
  const auto instance = channels_.find(notice.channel_name);
  if (!instance)
    return fail(std::move(notice), "channel instance \"" + notice.channel_name + "\" was removed",
                clock_.now_ms());
  bool probe = false;
  if (instance->enabled && gates_.park_if_down(notice, probe, instance->delivery.attempts))
    return;  // waits for the channel's probe
  post_to_lane(*instance, [this, probe, notice = std::move(notice)]() mutable {
    --queued_;
    deliver(std::move(notice), probe);
  });
}

void NoticePipeline::deliver(Notice notice, bool probe) {
  const auto instance = channels_.find(notice.channel_name);
  const auto now = clock_.now_ms();
  if (!instance || !instance->enabled)
    return fail(std::move(notice),
                "channel instance \"" + notice.channel_name + "\" was " +
                    (instance ? "disabled" : "removed") + " before the notice went out",
                now);
  if (gates_.park_if_down(notice, probe, instance->delivery.attempts))
    return;  // may make this attempt the probe
  Alert alert;
  try {
    alert = alert_of(notice);
  } catch (const std::exception& e) {
    return fail(std::move(notice), std::string("the stored alert cannot be read: ") + e.what(),
                now);
  }
  // The attempt is stored with its outcome (one row, not two): a host that dies during it sends
  // the notice again at its next start.
  notice.status = notice_status::sending;
  ++notice.attempts;
  notice.update_ms = now;
  const auto outcome = sender_.send(*instance, alert, notice.notice_id);
  after_attempt(*instance, outcome, probe);
  finish_attempt(std::move(notice), *instance, outcome);
}

void NoticePipeline::finish_attempt(Notice notice, const ChannelInstance& instance,
                                    const SendOutcome& outcome) {
  const auto& d = outcome.delivery;
  const auto now = clock_.now_ms();
  notice.update_ms = now;
  notice.http_status = d.http_status;
  notice.detail = clipped(d.detail);
  if (!outcome.template_error.empty()) notice.template_error = outcome.template_error;
  if (d.delivered) {
    notice.status = notice_status::sent;
    notice.error.clear();
    notice.next_ms = 0;
    notice.end_ms = now;
    ++sent_;
    store(std::move(notice));
    return;
  }
  notice.error =
      clipped(d.http_status ? "HTTP " + std::to_string(d.http_status) + ": " + d.detail : d.detail);
  if (notice.attempts < instance.delivery.attempts && is_retryable(d)) {
    const auto delay =
        retry_delay_ms(instance.delivery, static_cast<int>(notice.attempts), d, random01());
    notice.next_ms = now + delay;
    ++retries_;
    const auto due = notice.next_ms;
    store(notice);
    schedule(std::move(notice), due);
    return;
  }
  if (!is_retryable(d)) notice.error += " (not retried: the answer says retrying cannot help)";
  notice.next_ms = 0;
  spdlog::warn("notice {} to channel {} failed after {} attempt(s): {}", notice.notice_id,
               notice.channel_name, notice.attempts, notice.error);
  auto error = notice.error;
  fail(std::move(notice), std::move(error), now);
}

Notice NoticePipeline::replay(const std::string& notice_id) {
  auto found = store_.find(notice_id);
  if (!found)
    throw RequestError(RequestError::Kind::not_found, "unknown notice \"" + notice_id + "\"");
  Notice notice = std::move(*found);
  if (notice.status != std::string(notice_status::blocked) &&
      notice.status != std::string(notice_status::failed))
    throw RequestError(RequestError::Kind::conflict,
                       "notice \"" + notice_id + "\" is " + notice.status +
                           "; only a blocked or failed notice can be replayed");
  if (!channels_.find(notice.channel_name))
    throw RequestError(RequestError::Kind::conflict, "notice \"" + notice_id +
                                                         "\" was for channel instance \"" +
                                                         notice.channel_name + "\", which is gone");
  notice.status = notice_status::created;
  notice.attempts = 0;
  notice.error.clear();
  notice.detail.clear();
  notice.http_status = 0;
  notice.end_ms = 0;
  notice.update_ms = notice.next_ms = clock_.now_ms();
  Waiter waiter;
  waiter.remaining = 1;
  store(notice, waiter.then());
  if (!waiter.wait())
    throw RequestError(RequestError::Kind::unavailable,
                       "the notice could not be stored; see the host log");
  enqueue(notice);
  return notice;
}

Notice NoticePipeline::send_now(const ChannelInstance& instance, const Alert& alert) {
  Notice notice = make_notice(instance, std::make_shared<const Alert>(alert),
                              compact_json(*alert_to_json(alert)), "test", clock_.now_ms());
  notice.attempts = 1;
  const auto outcome = sender_.send(instance, alert, notice.notice_id);
  // A test that reaches the vendor brings a down channel back (and one that fails says nothing
  // about the notices waiting: they keep waiting for their probe).
  if (outcome.delivery.delivered || outcome.delivery.http_status != 0)
    after_attempt(instance, outcome, /*probe=*/false);
  notice.update_ms = clock_.now_ms();
  notice.http_status = outcome.delivery.http_status;
  notice.detail = clipped(outcome.delivery.detail);
  notice.template_error = outcome.template_error;
  notice.status = outcome.delivery.delivered ? notice_status::sent : notice_status::failed;
  if (!outcome.delivery.delivered) notice.error = notice.detail;
  notice.end_ms = notice.update_ms;
  notice.next_ms = 0;
  store(notice);
  return notice;
}

void NoticePipeline::overlay_parked(Notice& notice) const {
  gates_.overlay(notice);
}

std::optional<Notice> NoticePipeline::find(const std::string& notice_id) const {
  auto notice = store_.find(notice_id);
  if (notice) overlay_parked(*notice);
  return notice;
}

NoticePipeline::Counts NoticePipeline::counts() const {
  Counts c;
  c.created = created_;
  c.sent = sent_;
  c.failed = failed_;
  c.blocked = blocked_;
  c.aggregated = aggregated_;
  c.retries = retries_;
  c.removed = removed_;
  c.commits = journal_->commits();
  c.rows = journal_->rows();
  c.write_seconds = journal_->write_seconds();
  c.queued = static_cast<std::size_t>(std::max<std::int64_t>(0, queued_.load()));
  c.waiting = static_cast<std::size_t>(std::max<std::int64_t>(0, waiting_.load()));
  return c;
}

}  // namespace warden::host
