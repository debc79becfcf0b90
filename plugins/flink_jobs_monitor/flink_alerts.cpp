#include "flink_alerts.hpp"

#include "time_text.hpp"

namespace warden::plugins::flink {
namespace {

void describe_job(Alert& a, const JobObservation& job, const AlertContext& c) {
  a.source = job.name;
  a.id = job.id;
  a.start_time = iso_time(job.start_ms);
  a.end_time = iso_time(job.end_ms > 0 ? job.end_ms : 0);
  if (job.duration_ms > 0)
    a.duration = human_duration(job.duration_ms);
  else if (job.start_ms > 0)
    a.duration = human_duration((job.end_ms > 0 ? job.end_ms : c.now_ms) - job.start_ms);
  const bool over = job.state == "FAILED" || job.state == "CANCELED" || job.state == "FINISHED";
  a.link = c.rest_url + "/#/job/" + (over ? "completed/" : "running/") + job.id + "/overview";
  a.labels = {{"cluster", c.cluster}, {"job_id", job.id}, {"job_name", job.name}};
}

std::string minutes_or_seconds(std::int64_t ms) {
  return ms % 60'000 == 0 ? std::to_string(ms / 60'000) + " min" : std::to_string(ms / 1000) + " s";
}

}  // namespace

Alert make_alert(const Event& e, const AlertContext& c, const std::string& detail) {
  Alert a;
  const std::string& name = e.job.name;
  switch (e.kind) {
    case EventKind::job_failed:
    case EventKind::job_canceled:
    case EventKind::job_vanished:
      describe_job(a, e.job, c);
      a.type = "job_state";
      a.status = e.job.state;
      a.severity = e.kind == EventKind::job_canceled ? "warning" : "critical";
      a.title = "Flink job " + name + " is " + e.job.state;
      a.subject = "Flink job " + e.job.state + ": " + name;
      if (e.kind == EventKind::job_vanished)
        a.message = "The job was " + e.previous_state +
                    " at the last poll and is no longer listed by " + c.cluster +
                    " (a JobManager restarted without high availability?)";
      else if (e.kind == EventKind::job_canceled)
        a.message = "The job was cancelled outside Warden (it was " +
                    (e.previous_state.empty() ? std::string("not seen yet") : e.previous_state) +
                    " at the last poll).";
      else
        a.message = detail.empty() ? "Flink reported no root exception." : detail;
      break;
    case EventKind::restarts_exceeded:
      describe_job(a, e.job, c);
      a.type = "job_state";
      a.status = "RESTARTING";
      a.severity = "warning";
      a.restart = true;
      a.restart_index = e.count;
      a.total_restart = c.rules.restart_budget.value_or(0);
      a.title = "Flink job " + name + " restarted " + std::to_string(e.count) + " times";
      a.subject = "Flink job restarts beyond budget: " + name;
      a.message = "numRestarts is " + std::to_string(e.count) + ", beyond the budget of " +
                  std::to_string(a.total_restart) + "; the job is " + e.job.state + ".";
      a.dedupe_key = name + "|job_state|RESTARTING|" + std::to_string(e.count);
      break;
    case EventKind::checkpoints_failing:
    case EventKind::checkpoints_recovered: {
      describe_job(a, e.job, c);
      const bool failing = e.kind == EventKind::checkpoints_failing;
      a.type = "checkpoint";
      a.status = failing ? "FAILING" : "RECOVERED";
      a.severity = failing ? "warning" : "info";
      a.cp_failure_rate_interval = c.rules.cp_failure_rate_interval_ms / 1000;
      a.cp_max_failure_interval = c.rules.cp_max_failures.value_or(0);
      const std::string window = minutes_or_seconds(c.rules.cp_failure_rate_interval_ms);
      a.title = failing ? "Flink job " + name + ": checkpoints failing"
                        : "Flink job " + name + ": checkpoints recovered";
      a.subject = a.title;
      a.message = std::to_string(e.count) + " checkpoint failure(s) within " + window +
                  " (at most " + std::to_string(a.cp_max_failure_interval) + " allowed)";
      if (failing && !e.job.last_checkpoint_failure.empty())
        a.message += "; latest: " + e.job.last_checkpoint_failure;
      break;
    }
    case EventKind::cluster_lost:
    case EventKind::cluster_recovered: {
      const bool lost = e.kind == EventKind::cluster_lost;
      a.type = "cluster";
      a.status = lost ? "LOST" : "RECOVERED";
      a.severity = lost ? "critical" : "info";
      a.source = c.cluster;
      a.id = c.cluster;
      a.start_time = iso_time(e.since_ms);
      if (!lost) a.end_time = iso_time(c.now_ms);
      a.duration = human_duration(c.now_ms - e.since_ms);
      a.link = c.rest_url + "/#/overview";
      a.title = lost ? "Flink cluster " + c.cluster + " is LOST"
                     : "Flink cluster " + c.cluster + " answers again";
      a.subject = a.title;
      a.message = lost ? "Its REST API has not answered for " + a.duration + ": " + e.error
                       : "Its REST API answers again after " + a.duration + " without.";
      a.labels = {{"cluster", c.cluster}};
      break;
    }
  }
  return a;
}

}  // namespace warden::plugins::flink
