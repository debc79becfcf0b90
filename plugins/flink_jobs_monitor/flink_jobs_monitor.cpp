// The bundled `flink_jobs_monitor` timer action: each firing polls a Flink JobManager's REST API,
// compares what it sees with the jobs' last-known states (kept in the timer's state(), so they
// survive restarts) and raises one alert per transition through the configured channels.
#include "cancel_markers.hpp"
#include "flink_alerts.hpp"
#include "flink_rest.hpp"
#include "job_figures.hpp"
#include "job_tracker.hpp"

#include <warden/warden.hpp>

#include <chrono>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

namespace warden::plugins {
namespace {

using flink::EventKind;

constexpr std::size_t kExceptionLines = 5;

/// The schedule's params (SPEC §8), read once per firing.
struct MonitorSettings {
  std::string rest_url;
  std::vector<std::string> channels;
  flink::TrackerRules rules;
  std::optional<std::regex> name_filter;
  std::chrono::milliseconds request_timeout{5000};
  bool notify_recovery = false;

  static MonitorSettings from(const Config& config) {
    MonitorSettings s;
    s.rest_url = flink::without_trailing_slash(config.string("restUrl"));
    if (config.has("channels")) s.channels = config.strings("channels");
    s.rules.lost_after_ms = seconds(config, "lostAfter", 30) * 1000;
    if (config.has("restartBudget"))
      s.rules.restart_budget = at_least_zero(config, "restartBudget");
    s.rules.cp_failure_rate_interval_ms = seconds(config, "cpFailureRateInterval", 600) * 1000;
    if (config.has("cpMaxFailureInterval"))
      s.rules.cp_max_failures = at_least_zero(config, "cpMaxFailureInterval");
    if (const std::string filter = config.string_or("jobNameFilter", ""); !filter.empty()) {
      try {
        s.name_filter.emplace(filter, std::regex::ECMAScript | std::regex::optimize);
      } catch (const std::regex_error& e) {
        throw std::invalid_argument("jobNameFilter \"" + filter +
                                    "\" is not a regular expression: " + e.what());
      }
    }
    s.request_timeout = std::chrono::seconds(seconds(config, "requestTimeout", 5));
    s.notify_recovery = config.has("notifyRecovery") && config.boolean("notifyRecovery");
    return s;
  }

  bool watches(const std::string& job_name) const {
    return !name_filter || std::regex_search(job_name, *name_filter);
  }

 private:
  static std::int64_t seconds(const Config& config, const std::string& field,
                              std::int64_t fallback) {
    const std::int64_t value = config.has(field) ? config.integer(field) : fallback;
    if (value < 1)
      throw std::invalid_argument(field + " must be at least 1 s, not " + std::to_string(value));
    return value;
  }
  static std::int64_t at_least_zero(const Config& config, const std::string& field) {
    const std::int64_t value = config.integer(field);
    if (value < 0)
      throw std::invalid_argument(field + " must be 0 or more, not " + std::to_string(value));
    return value;
  }
};

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

class FlinkJobsMonitor : public TimerAction {
 public:
  bool do_action(const Poco::JSON::Object&, const Poco::JSON::Object&) override {
    const MonitorSettings s = MonitorSettings::from(config());
    flink::FlinkRest rest(http(), s.rest_url, s.request_timeout);
    flink::JobTracker tracker(state(), s.rules);
    flink::AlertContext context{s.rest_url, rest.where(), s.rules, now_ms()};

    auto jobs = rest.overview();
    if (!jobs) {
      const std::string error = rest.error();
      raise_all(tracker, tracker.unanswered(error, context.now_ms), s, context, rest);
      throw std::runtime_error(error);
    }
    std::vector<bool> watched(jobs->size());
    std::vector<flink::JobObservation*> running;
    for (std::size_t i = 0; i < jobs->size(); ++i) {
      auto& job = (*jobs)[i];
      watched[i] = s.watches(job.name);
      if (watched[i] && !flink::is_terminal(job.state)) running.push_back(&job);
    }
    const flink::Figures figures{s.rules.restart_budget.has_value(),
                                 s.rules.cp_max_failures.has_value()};
    flink::FigureReader reader(
        rest, figures, [&tracker](const std::string& id) { return tracker.known_figures(id); });
    if (const auto read = reader.read(running); read.unread > 0)
      log().warn(std::to_string(read.unread) +
                 " job(s) left unchecked this poll; first: " + read.first_error);
    context.now_ms = now_ms();
    const auto refused =
        raise_all(tracker, tracker.answered(*jobs, watched, context.now_ms), s, context, rest);
    if (refused > 0)
      throw std::runtime_error(std::to_string(refused) +
                               " alert(s) refused by the host (see the log); they are raised "
                               "again at the next poll");
    return true;
  }

 private:
  /// Raises one alert per event; returns how many the host refused (their transitions are undone).
  std::size_t raise_all(flink::JobTracker& tracker, const std::vector<flink::Event>& events,
                        const MonitorSettings& s, const flink::AlertContext& context,
                        flink::FlinkRest& rest) {
    std::size_t refused = 0;
    for (const auto& event : events) {
      if (event.kind == EventKind::job_canceled && flink::take_cancel(event.job.id)) {
        log().info("job " + event.job.name + " (" + event.job.id +
                   ") was cancelled through Warden; no alert");
        continue;
      }
      const bool recovery = event.kind == EventKind::cluster_recovered ||
                            event.kind == EventKind::checkpoints_recovered;
      if (recovery && !s.notify_recovery) continue;
      std::string detail;
      if (event.kind == EventKind::job_failed) {
        const auto root = rest.root_exception(event.job.id, kExceptionLines);
        detail = root ? *root : "The root exception could not be read: " + rest.error();
      }
      const Alert alert = flink::make_alert(event, context, detail);
      if (raise_alert(alert, s.channels)) {
        log().info("alert raised: " + alert.title);
      } else {
        tracker.undo(event);
        ++refused;
      }
    }
    return refused;
  }
};

}  // namespace warden::plugins

WARDEN_PLUGIN(warden::plugins::FlinkJobsMonitor, "flink_jobs_monitor")
