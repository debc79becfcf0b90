// The bundled `flink_cancel_job` solution: cancels a Flink job through the JobManager's REST API
// after recording a marker, so the `flink_jobs_monitor` does not alert about a cancel that came
// through Warden.
#include "../flink_jobs_monitor/cancel_markers.hpp"
#include "../flink_jobs_monitor/flink_rest.hpp"

#include <warden/warden.hpp>

#include <chrono>
#include <string>

namespace warden::plugins {

class FlinkCancelJob : public Solution {
 public:
  void run() override {
    const std::string job_id = trimmed(config().string("jobId"));
    const std::int64_t timeout_s =
        config().has("requestTimeout") ? config().integer("requestTimeout") : 10;
    flink::FlinkRest rest(http(), config().string("restUrl"),
                          std::chrono::seconds(timeout_s < 1 ? 1 : timeout_s));
    std::string error;
    // The marker first: the monitor may poll between Flink's answer and anything done after it.
    if (!flink::record_cancel(job_id, error)) {
      set_finished("failure", error, "marker");
      return;
    }
    if (!rest.cancel(job_id)) {
      flink::take_cancel(job_id);
      set_finished("failure", rest.error(), "flink");
      return;
    }
    output().set("job_id", job_id);
    set_finished("success", "cancel of job " + job_id + " accepted by " + rest.where());
  }
};

}  // namespace warden::plugins

WARDEN_PLUGIN(warden::plugins::FlinkCancelJob, "flink_cancel_job")
