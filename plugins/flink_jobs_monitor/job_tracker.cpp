#include "job_tracker.hpp"

#include <Poco/JSON/Array.h>

#include <set>
#include <utility>

namespace warden::plugins::flink {
namespace {

std::int64_t int_at(const Poco::JSON::Object& o, const std::string& key, std::int64_t fallback) {
  return o.has(key) && !o.isNull(key) ? o.getValue<std::int64_t>(key) : fallback;
}

std::string text_at(const Poco::JSON::Object& o, const std::string& key) {
  return o.has(key) && !o.isNull(key) ? o.getValue<std::string>(key) : std::string();
}

}  // namespace

bool is_terminal(const std::string& job_state) {
  return job_state == "FAILED" || job_state == "CANCELED" || job_state == "FINISHED";
}

JobTracker::JobTracker(Poco::JSON::Object& state, TrackerRules rules)
    : state_(state), rules_(std::move(rules)) {}

Poco::JSON::Object::Ptr JobTracker::jobs() {
  if (!state_.getObject("jobs"))
    state_.set("jobs", Poco::JSON::Object::Ptr(new Poco::JSON::Object));
  return state_.getObject("jobs");
}

Poco::JSON::Object::Ptr JobTracker::cluster() {
  if (!state_.getObject("cluster"))
    state_.set("cluster", Poco::JSON::Object::Ptr(new Poco::JSON::Object));
  return state_.getObject("cluster");
}

std::string JobTracker::known_state(const std::string& job_id) const {
  const auto all = state_.getObject("jobs");
  if (!all) return {};
  const auto entry = all->getObject(job_id);
  return entry ? text_at(*entry, "s") : std::string();
}

KnownFigures JobTracker::known_figures(const std::string& job_id) const {
  KnownFigures known;
  const auto all = state_.getObject("jobs");
  const auto entry = all ? all->getObject(job_id) : nullptr;
  if (!entry) return known;
  if (entry->has("r")) known.restarts = int_at(*entry, "r", 0);
  if (entry->has("cf")) known.checkpoints_failed = int_at(*entry, "cf", 0);
  return known;
}

std::vector<Event> JobTracker::answered(const std::vector<JobObservation>& observed,
                                        const std::vector<bool>& watched, std::int64_t now_ms) {
  std::vector<Event> events;
  auto c = cluster();
  if (c->has("lost") && c->getValue<bool>("lost")) {
    Event e{EventKind::cluster_recovered, {}, "LOST"};
    e.since_ms = int_at(*c, "down_since", now_ms);
    events.push_back(std::move(e));
  }
  c->set("lost", false);
  c->remove("down_since");
  c->remove("error");

  const bool baseline = !state_.getObject("jobs");
  auto known = jobs();
  std::set<std::string> seen;
  for (std::size_t i = 0; i < observed.size(); ++i) {
    const JobObservation& job = observed[i];
    seen.insert(job.id);
    if (!watched[i]) {
      known->remove(job.id);
      continue;
    }
    auto entry = known->getObject(job.id);
    const bool fresh = !entry;
    if (fresh) {
      entry = new Poco::JSON::Object;
      known->set(job.id, entry);
    }
    const std::string before = text_at(*entry, "s");
    entry->set("s", job.state);
    entry->set("n", job.name);
    // A job never seen before that is already over ended between two polls; on the very first
    // answer it is history, not news.
    const bool changed = fresh ? !baseline : before != job.state;
    if (changed && job.state == "FAILED")
      events.push_back(Event{EventKind::job_failed, job, before});
    if (changed && job.state == "CANCELED")
      events.push_back(Event{EventKind::job_canceled, job, before});
    if (!is_terminal(job.state)) {
      track_restarts(job, *entry, events);
      track_checkpoints(job, *entry, now_ms, events);
    }
  }
  // Jobs gone from the overview: a finished one aged out of Flink's job store (normal); one that
  // was still going has vanished (a JobManager restarted without HA, say).
  std::vector<std::string> gone;
  for (const auto& [id, value] : *known)
    if (!seen.count(id)) gone.push_back(id);
  for (const auto& id : gone) {
    const auto entry = known->getObject(id);
    const std::string last = text_at(*entry, "s");
    if (!is_terminal(last)) {
      JobObservation job;
      job.id = id;
      job.name = text_at(*entry, "n");
      job.state = "LOST";
      events.push_back(Event{EventKind::job_vanished, job, last});
    }
    known->remove(id);
  }
  return events;
}

void JobTracker::track_restarts(const JobObservation& job, Poco::JSON::Object& entry,
                                std::vector<Event>& events) const {
  if (!job.restarts) return;
  const std::int64_t now = *job.restarts;
  if (!entry.has("r")) {  // the baseline: what happened before we watched is not news
    entry.set("r", now);
    entry.set("ra", now);
    return;
  }
  entry.set("r", now);
  const std::int64_t alerted = int_at(entry, "ra", 0);
  if (now < alerted) entry.set("ra", now);  // a new count (the job was resubmitted)
  if (rules_.restart_budget && now > *rules_.restart_budget && now > alerted) {
    Event e{EventKind::restarts_exceeded, job, job.state};
    e.count = now;
    e.since_ms = alerted;  // what undo puts back
    entry.set("ra", now);
    events.push_back(std::move(e));
  }
}

void JobTracker::track_checkpoints(const JobObservation& job, Poco::JSON::Object& entry,
                                   std::int64_t now_ms, std::vector<Event>& events) const {
  if (!job.checkpoints_failed || !rules_.cp_max_failures) return;
  const std::int64_t failed = *job.checkpoints_failed;
  Poco::JSON::Array::Ptr window = entry.getArray("cw");
  if (!window) window = new Poco::JSON::Array;
  if (entry.has("cf")) {
    const std::int64_t before = int_at(entry, "cf", 0);
    if (failed > before) {
      Poco::JSON::Array::Ptr mark = new Poco::JSON::Array;
      mark->add(now_ms);
      mark->add(failed - before);
      window->add(mark);
    }
  }
  entry.set("cf", failed);
  Poco::JSON::Array::Ptr kept = new Poco::JSON::Array;
  std::int64_t in_window = 0;
  for (const auto& item : *window) {
    const auto mark = item.extract<Poco::JSON::Array::Ptr>();
    const auto at = mark->getElement<std::int64_t>(0);
    if (now_ms - at >= rules_.cp_failure_rate_interval_ms) continue;
    in_window += mark->getElement<std::int64_t>(1);
    kept->add(mark);
  }
  if (kept->size() > 0)
    entry.set("cw", kept);
  else
    entry.remove("cw");
  const bool failing = entry.has("cx") && entry.getValue<bool>("cx");
  if (!failing && in_window > *rules_.cp_max_failures) {
    Event e{EventKind::checkpoints_failing, job, job.state};
    e.count = in_window;
    entry.set("cx", true);
    events.push_back(std::move(e));
  } else if (failing && in_window <= *rules_.cp_max_failures) {
    Event e{EventKind::checkpoints_recovered, job, job.state};
    e.count = in_window;
    entry.remove("cx");
    events.push_back(std::move(e));
  }
}

std::vector<Event> JobTracker::unanswered(const std::string& error, std::int64_t now_ms) {
  std::vector<Event> events;
  auto c = cluster();
  if (!c->has("down_since")) c->set("down_since", now_ms);
  c->set("error", error);
  const std::int64_t since = int_at(*c, "down_since", now_ms);
  const bool lost = c->has("lost") && c->getValue<bool>("lost");
  if (!lost && now_ms - since >= rules_.lost_after_ms) {
    c->set("lost", true);
    Event e{EventKind::cluster_lost, {}, "UP"};
    e.since_ms = since;
    e.error = error;
    events.push_back(std::move(e));
  }
  return events;
}

void JobTracker::undo(const Event& event) {
  auto known = jobs();
  auto entry = event.job.id.empty() ? Poco::JSON::Object::Ptr() : known->getObject(event.job.id);
  switch (event.kind) {
    case EventKind::job_failed:
    case EventKind::job_canceled:
      if (!entry) return;
      if (event.previous_state.empty())
        known->remove(event.job.id);
      else
        entry->set("s", event.previous_state);
      return;
    case EventKind::job_vanished: {
      Poco::JSON::Object::Ptr back = new Poco::JSON::Object;
      back->set("s", event.previous_state);
      back->set("n", event.job.name);
      known->set(event.job.id, back);
      return;
    }
    case EventKind::restarts_exceeded:
      if (entry) entry->set("ra", event.since_ms);
      return;
    case EventKind::checkpoints_failing:
      if (entry) entry->remove("cx");
      return;
    case EventKind::checkpoints_recovered:
      if (entry) entry->set("cx", true);
      return;
    case EventKind::cluster_lost:
      cluster()->set("lost", false);
      return;
    case EventKind::cluster_recovered: {
      auto c = cluster();
      c->set("lost", true);
      c->set("down_since", event.since_ms);
      return;
    }
  }
}

}  // namespace warden::plugins::flink
