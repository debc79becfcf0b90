#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace Poco {
class ThreadPool;
namespace Net {
class HTTPServer;
}  // namespace Net
}  // namespace Poco

namespace warden::test {

/// One job of the fake cluster, as its REST answers show it.
struct FakeFlinkJob {
  std::string id;  ///< 32 hexadecimal digits
  std::string name;
  std::string state = "RUNNING";
  std::int64_t start_ms = 0;  ///< 0: when added
  std::int64_t end_ms = -1;
  std::int64_t restarts = 0;  ///< the numRestarts metric
  std::int64_t checkpoints_completed = 0;
  std::int64_t checkpoints_failed = 0;
  std::string checkpoint_failure;  ///< latest.failed.failure_message
  std::string root_exception;      ///< a stack trace; "" when none
};

/// A Flink JobManager's REST API on 127.0.0.1 and a free port, answering with the JSON shapes of
/// Flink's REST documentation: GET /jobs/overview, /jobs/{id}/exceptions, /jobs/{id}/checkpoints,
/// /jobs/{id}/metrics?get=numRestarts,numberOfFailedCheckpoints, the aggregated
/// /jobs/metrics?get=…&agg=sum&jobs=…, and PATCH /jobs/{id}?mode=cancel (the job turns CANCELED).
/// Tests change jobs as a script goes; thread-safe. Stops on destruction.
class FakeFlinkCluster {
 public:
  FakeFlinkCluster();
  ~FakeFlinkCluster();
  FakeFlinkCluster(const FakeFlinkCluster&) = delete;
  FakeFlinkCluster& operator=(const FakeFlinkCluster&) = delete;

  int port() const { return port_; }
  std::string url() const;

  /// Adds a job, or replaces the one with its id.
  void put(FakeFlinkJob job);
  /// Changes a job (a terminal state also sets its end time, when not set).
  void change(const std::string& id, const std::function<void(FakeFlinkJob&)>& edit);
  void set_state(const std::string& id, const std::string& state);
  /// Every answer waits this long first.
  void set_delay(std::chrono::milliseconds delay);
  /// While down, every request is answered 503 (as a JobManager behind a load balancer would be).
  void set_down(bool down);

  /// Job ids cancelled through the REST API, in order.
  std::vector<std::string> cancels() const;
  /// GET /jobs/overview requests answered (or refused while down).
  std::size_t overview_requests() const;
  /// Requests answered (or refused while down) of one kind: "overview", "jobs-metrics" (the
  /// aggregated one), "job-metrics", "checkpoints", "exceptions".
  std::size_t requests(const std::string& kind) const;

  struct State;

 private:
  std::shared_ptr<State> state_;
  std::unique_ptr<Poco::ThreadPool> threads_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  int port_ = 0;
};

/// A job id as Flink makes them (32 hexadecimal digits), from a number.
std::string flink_job_id(int n);

}  // namespace warden::test
