#include "overview_reader.hpp"

#include <Poco/JSON/Handler.h>
#include <Poco/JSON/Parser.h>

#include <stdexcept>
#include <utility>

namespace warden::plugins::flink {
namespace {

/// Poco's event interface: depth 1 is the answer, 2 the "jobs" list, 3 a job (deeper values,
/// such as a job's "tasks" counts, are passed over).
class OverviewHandler : public Poco::JSON::Handler {
 public:
  std::vector<JobObservation> jobs;
  bool saw_jobs = false;

  void reset() override {
    jobs.clear();
    saw_jobs = in_jobs_ = has_id_ = has_state_ = false;
    depth_ = 0;
  }
  void startObject() override {
    ++depth_;
    if (in_jobs_ && depth_ == 3) {
      job_ = JobObservation{};
      has_id_ = has_state_ = false;
    }
  }
  void endObject() override {
    if (in_jobs_ && depth_ == 3 && has_id_ && has_state_) {
      if (job_.name.empty()) job_.name = job_.id;
      jobs.push_back(std::move(job_));
    }
    --depth_;
  }
  void startArray() override {
    ++depth_;
    if (depth_ == 2 && key_ == "jobs") in_jobs_ = saw_jobs = true;
  }
  void endArray() override {
    if (depth_ == 2) in_jobs_ = false;
    --depth_;
  }
  void key(const std::string& k) override { key_ = k; }
  void null() override {}
  void value(int v) override { number(v); }
  void value(unsigned v) override { number(v); }
  void value(Poco::Int64 v) override { number(v); }
  void value(Poco::UInt64 v) override { number(static_cast<std::int64_t>(v)); }
  void value(double d) override {
    // A time or duration no int64 holds (1e308, NaN) is not one: converting it would be undefined.
    if (d >= -0x1p63 && d < 0x1p63) number(static_cast<std::int64_t>(d));
  }
  void value(bool) override {}
  void value(const std::string& v) override {
    if (!at_job_field()) return;
    if (key_ == "jid") {
      job_.id = v;
      has_id_ = true;
    } else if (key_ == "name") {
      job_.name = v;
    } else if (key_ == "state") {
      job_.state = v;
      has_state_ = true;
    }
  }

 private:
  bool at_job_field() const { return in_jobs_ && depth_ == 3; }
  void number(std::int64_t v) {
    if (!at_job_field()) return;
    if (key_ == "start-time")
      job_.start_ms = v;
    else if (key_ == "end-time")
      job_.end_ms = v;
    else if (key_ == "duration")
      job_.duration_ms = v;
  }

  int depth_ = 0;
  bool in_jobs_ = false;
  bool has_id_ = false;
  bool has_state_ = false;
  std::string key_;
  JobObservation job_;
};

}  // namespace

std::vector<JobObservation> read_overview(const std::string& body) {
  Poco::SharedPtr<OverviewHandler> handler(new OverviewHandler);
  Poco::JSON::Parser parser(handler);
  parser.parse(body);
  if (!handler->saw_jobs) throw std::invalid_argument("the answer has no \"jobs\" list");
  return std::move(handler->jobs);
}

}  // namespace warden::plugins::flink
