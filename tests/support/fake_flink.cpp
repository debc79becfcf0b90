#include "tests/support/fake_flink.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <sstream>

namespace warden::test {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool terminal(const std::string& s) {
  return s == "FAILED" || s == "CANCELED" || s == "FINISHED";
}

std::string text(const Poco::Dynamic::Var& json) {
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(json, out);
  return out.str();
}

struct Answer {
  int status = 200;
  std::string body;
};

}  // namespace

std::string flink_job_id(int n) {
  char id[33];
  std::snprintf(id, sizeof id, "%016x%016x", 0xf1c4u, static_cast<unsigned>(n));
  return id;
}

struct FakeFlinkCluster::State {
  mutable std::mutex mutex;
  std::condition_variable stopping_cv;
  bool stopping = false;
  std::map<std::string, FakeFlinkJob> jobs;
  std::vector<std::string> order;
  std::vector<std::string> cancels;
  std::map<std::string, std::size_t> requests;  ///< by kind (see FakeFlinkCluster::requests)
  std::chrono::milliseconds delay{0};
  bool down = false;

  Answer overview() const {
    Array::Ptr list = new Array;
    const std::int64_t now = now_ms();
    for (const auto& id : order) {
      const FakeFlinkJob& j = jobs.at(id);
      Object::Ptr o = new Object;
      o->set("jid", j.id);
      o->set("name", j.name);
      o->set("state", j.state);
      o->set("start-time", j.start_ms);
      o->set("end-time", j.end_ms);
      o->set("duration", (j.end_ms > 0 ? j.end_ms : now) - j.start_ms);
      o->set("last-modification", j.end_ms > 0 ? j.end_ms : j.start_ms);
      Object::Ptr tasks = new Object;
      for (const char* k : {"created", "scheduled", "deploying", "reconciling", "finished",
                            "canceling", "initializing"})
        tasks->set(k, 0);
      tasks->set("running", j.state == "RUNNING" ? 2 : 0);
      tasks->set("canceled", j.state == "CANCELED" ? 2 : 0);
      tasks->set("failed", j.state == "FAILED" ? 1 : 0);
      tasks->set("total", 2);
      o->set("tasks", tasks);
      list->add(o);
    }
    Object root;
    root.set("jobs", list);
    return {200, text(root)};
  }

  Answer exceptions(const FakeFlinkJob& j) const {
    Object root;
    Array::Ptr entries = new Array;
    if (!j.root_exception.empty()) {
      Object::Ptr e = new Object;
      e->set("exceptionName", j.root_exception.substr(0, j.root_exception.find(':')));
      e->set("stacktrace", j.root_exception);
      e->set("timestamp", j.end_ms);
      e->set("taskName", Poco::Dynamic::Var());
      e->set("location", Poco::Dynamic::Var());
      e->set("taskManagerId", Poco::Dynamic::Var());
      e->set("failureLabels", Object::Ptr(new Object));
      e->set("concurrentExceptions", Array::Ptr(new Array));
      entries->add(e);
      root.set("root-exception", j.root_exception);
      root.set("timestamp", j.end_ms);
    }
    root.set("all-exceptions", Array::Ptr(new Array));
    root.set("truncated", false);
    Object::Ptr history = new Object;
    history->set("entries", entries);
    history->set("truncated", false);
    root.set("exceptionHistory", history);
    return {200, text(root)};
  }

  Answer checkpoints(const FakeFlinkJob& j) const {
    Object root;
    Object::Ptr counts = new Object;
    counts->set("restored", 0);
    counts->set("total", j.checkpoints_completed + j.checkpoints_failed);
    counts->set("in_progress", 0);
    counts->set("completed", j.checkpoints_completed);
    counts->set("failed", j.checkpoints_failed);
    root.set("counts", counts);
    Object::Ptr latest = new Object;
    latest->set("completed", Poco::Dynamic::Var());
    latest->set("savepoint", Poco::Dynamic::Var());
    latest->set("restored", Poco::Dynamic::Var());
    if (j.checkpoints_failed > 0) {
      Object::Ptr failed = new Object;
      failed->set("id", j.checkpoints_completed + j.checkpoints_failed);
      failed->set("status", "FAILED");
      failed->set("is_savepoint", false);
      failed->set("failure_timestamp", now_ms());
      failed->set("failure_message", j.checkpoint_failure);
      latest->set("failed", failed);
    } else {
      latest->set("failed", Poco::Dynamic::Var());
    }
    root.set("latest", latest);
    root.set("history", Array::Ptr(new Array));
    return {200, text(root)};
  }

  static std::int64_t metric(const FakeFlinkJob& j, const std::string& name) {
    return name == "numRestarts" ? j.restarts : j.checkpoints_failed;
  }
  static bool known_metric(const std::string& name) {
    return name == "numRestarts" || name == "numberOfFailedCheckpoints";
  }

  /// GET /jobs/{id}/metrics?get=a,b: [{"id": a, "value": "3"}, …] (values are strings).
  Answer job_metrics(const FakeFlinkJob& j, const std::vector<std::string>& names) const {
    Array list;
    for (const auto& name : names) {
      if (!known_metric(name)) continue;
      Object::Ptr m = new Object;
      m->set("id", name);
      m->set("value", std::to_string(metric(j, name)));
      list.add(m);
    }
    return {200, text(list)};
  }

  /// GET /jobs/metrics?get=a,b&agg=sum&jobs=x,y: [{"id": a, "sum": 3.0}, …] over the selected
  /// jobs that still run (Flink drops a finished job's metrics); every job when none is selected.
  Answer aggregated_metrics(const std::vector<std::string>& names, const std::string& agg,
                            const std::vector<std::string>& selected) const {
    Array list;
    for (const auto& name : names) {
      if (!known_metric(name)) continue;
      double sum = 0;
      bool any = false;
      for (const auto& [id, j] : jobs) {
        const bool chosen =
            selected.empty() || std::find(selected.begin(), selected.end(), id) != selected.end();
        if (!chosen || terminal(j.state)) continue;
        sum += static_cast<double>(metric(j, name));
        any = true;
      }
      if (!any) continue;
      Object::Ptr m = new Object;
      m->set("id", name);
      if (agg.empty() || agg.find("sum") != std::string::npos) m->set("sum", sum);
      list.add(m);
    }
    return {200, text(list)};
  }

  static std::vector<std::string> query_list(const Poco::URI& uri, const std::string& key) {
    std::vector<std::string> out;
    for (const auto& [k, v] : uri.getQueryParameters()) {
      if (k != key) continue;
      std::istringstream in(v);
      for (std::string item; std::getline(in, item, ',');) out.push_back(item);
    }
    return out;
  }

  static std::string kind_of(const std::vector<std::string>& parts) {
    if (parts.size() == 2 && (parts[1] == "overview" || parts[1] == "metrics"))
      return parts[1] == "overview" ? "overview" : "jobs-metrics";
    if (parts.size() == 3) return parts[2] == "metrics" ? "job-metrics" : parts[2];
    return "other";
  }

  Answer answer(const std::string& method, const Poco::URI& uri) {
    std::vector<std::string> parts;
    uri.getPathSegments(parts);
    std::lock_guard lock(mutex);
    ++requests[kind_of(parts)];
    if (down) return {503, R"({"errors":["Service temporarily unavailable"]})"};
    if (parts.size() == 2 && parts[1] == "overview" && method == "GET") return overview();
    if (parts.size() == 2 && parts[1] == "metrics" && method == "GET") {
      const auto agg = query_list(uri, "agg");
      return aggregated_metrics(query_list(uri, "get"), agg.empty() ? "" : agg.front(),
                                query_list(uri, "jobs"));
    }
    if (parts.size() < 2 || parts[0] != "jobs") return {404, R"({"errors":["Not found."]})"};
    const auto found = jobs.find(parts[1]);
    if (found == jobs.end()) return {404, R"({"errors":["Job could not be found."]})"};
    FakeFlinkJob& j = found->second;
    if (parts.size() == 2 && method == "PATCH") {
      cancels.push_back(j.id);
      if (!terminal(j.state)) {
        j.state = "CANCELED";
        j.end_ms = now_ms();
      }
      return {202, "{}"};
    }
    if (parts.size() == 3 && method == "GET") {
      if (parts[2] == "exceptions") return exceptions(j);
      if (parts[2] == "checkpoints") return checkpoints(j);
      if (parts[2] == "metrics") return job_metrics(j, query_list(uri, "get"));
    }
    return {404, R"({"errors":["Not found."]})"};
  }
};

namespace {

class FlinkHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit FlinkHandler(std::shared_ptr<FakeFlinkCluster::State> state)
      : state_(std::move(state)) {}

  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    std::string ignored;
    Poco::StreamCopier::copyToString(request.stream(), ignored);
    std::chrono::milliseconds delay;
    {
      std::lock_guard lock(state_->mutex);
      delay = state_->delay;
    }
    if (delay.count() > 0) {
      std::unique_lock lock(state_->mutex);
      state_->stopping_cv.wait_for(lock, delay, [this] { return state_->stopping; });
    }
    const Answer a = state_->answer(request.getMethod(), Poco::URI(request.getURI()));
    response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(a.status));
    response.setContentType("application/json; charset=UTF-8");
    response.setContentLength64(static_cast<Poco::Int64>(a.body.size()));
    response.send().write(a.body.data(), static_cast<std::streamsize>(a.body.size()));
  }

 private:
  std::shared_ptr<FakeFlinkCluster::State> state_;
};

class FlinkHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit FlinkHandlerFactory(std::shared_ptr<FakeFlinkCluster::State> state)
      : state_(std::move(state)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new FlinkHandler(state_);
  }

 private:
  std::shared_ptr<FakeFlinkCluster::State> state_;
};

}  // namespace

FakeFlinkCluster::FakeFlinkCluster() : state_(std::make_shared<State>()) {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  port_ = socket.address().port();
  auto params = Poco::AutoPtr<Poco::Net::HTTPServerParams>(new Poco::Net::HTTPServerParams);
  params->setMaxThreads(8);
  threads_ = std::make_unique<Poco::ThreadPool>(2, 8);
  server_ = std::make_unique<Poco::Net::HTTPServer>(new FlinkHandlerFactory(state_), *threads_,
                                                    socket, params);
  server_->start();
}

FakeFlinkCluster::~FakeFlinkCluster() {
  {
    std::lock_guard lock(state_->mutex);
    state_->stopping = true;
  }
  state_->stopping_cv.notify_all();
  server_->stopAll(true);
  threads_->joinAll();
}

std::string FakeFlinkCluster::url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

void FakeFlinkCluster::put(FakeFlinkJob job) {
  if (job.start_ms == 0) job.start_ms = now_ms();
  std::lock_guard lock(state_->mutex);
  if (!state_->jobs.count(job.id)) state_->order.push_back(job.id);
  state_->jobs[job.id] = std::move(job);
}

void FakeFlinkCluster::change(const std::string& id,
                              const std::function<void(FakeFlinkJob&)>& edit) {
  std::lock_guard lock(state_->mutex);
  FakeFlinkJob& job = state_->jobs.at(id);
  edit(job);
  if (terminal(job.state) && job.end_ms <= 0) job.end_ms = now_ms();
}

void FakeFlinkCluster::set_state(const std::string& id, const std::string& state) {
  change(id, [&](FakeFlinkJob& j) { j.state = state; });
}

void FakeFlinkCluster::set_delay(std::chrono::milliseconds delay) {
  std::lock_guard lock(state_->mutex);
  state_->delay = delay;
}

void FakeFlinkCluster::set_down(bool down) {
  std::lock_guard lock(state_->mutex);
  state_->down = down;
}

std::vector<std::string> FakeFlinkCluster::cancels() const {
  std::lock_guard lock(state_->mutex);
  return state_->cancels;
}

std::size_t FakeFlinkCluster::overview_requests() const {
  return requests("overview");
}

std::size_t FakeFlinkCluster::requests(const std::string& kind) const {
  std::lock_guard lock(state_->mutex);
  const auto found = state_->requests.find(kind);
  return found == state_->requests.end() ? 0 : found->second;
}

}  // namespace warden::test
