#include "flink_rest.hpp"

#include "overview_reader.hpp"

#include <warden/json_value.hpp>
#include <warden/text.hpp>

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cctype>
#include <cmath>
#include <stdexcept>
#include <utility>

namespace warden::plugins::flink {
namespace {

using Poco::Dynamic::Var;

constexpr std::size_t kMaxExceptionBytes = 2000;
constexpr const char* kRestarts = "numRestarts";
constexpr const char* kFailedCheckpoints = "numberOfFailedCheckpoints";

bool is_job_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

/// The figures in a metrics answer (a list of {"id": name, <field>: value}); a metric not listed
/// counts 0. Throws std::invalid_argument for a value that is not a number.
FigureSums metric_values(const Var& root, const std::string& field) {
  FigureSums sums;
  const auto list = root.type() == typeid(Poco::JSON::Array::Ptr)
                        ? root.extract<Poco::JSON::Array::Ptr>()
                        : Poco::JSON::Array::Ptr();
  if (!list) throw std::invalid_argument("the answer is not a list of metrics");
  for (std::size_t i = 0; i < list->size(); ++i) {
    const auto item = list->getObject(static_cast<unsigned>(i));
    if (!item || !item->has("id") || !item->has(field)) continue;
    const std::string id = item->getValue<std::string>("id");
    std::int64_t* into = id == kRestarts            ? &sums.restarts
                         : id == kFailedCheckpoints ? &sums.checkpoints_failed
                                                    : nullptr;
    if (!into) continue;
    const Var value = item->get(field);
    try {
      // Flink sends a job's metric value as a string ("3") and an aggregate as a double (3.0).
      *into = std::llround(value.isString() ? std::stod(value.extract<std::string>())
                                            : value.convert<double>());
    } catch (const std::exception&) {
      throw std::invalid_argument(id + " is not a number: " + truncated(json_text(value), 40));
    }
  }
  return sums;
}

}  // namespace

std::string Figures::metric_names() const {
  std::string names = restarts ? kRestarts : "";
  if (checkpoints) names += (names.empty() ? "" : ",") + std::string(kFailedCheckpoints);
  return names;
}

std::string without_trailing_slash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

std::string first_lines(const std::string& text, std::size_t lines, std::size_t max_bytes) {
  std::size_t end = 0;
  for (std::size_t n = 0; n < lines && end != std::string::npos; ++n) {
    const auto line_end = text.find('\n', end);
    end = line_end == std::string::npos ? line_end : line_end + 1;
  }
  const std::string out = trimmed(end == std::string::npos ? text : text.substr(0, end));
  return truncated(out, max_bytes);
}

FlinkRest::FlinkRest(HttpClient& http, std::string base_url, std::chrono::milliseconds timeout)
    : http_(http), base_(without_trailing_slash(std::move(base_url))), timeout_(timeout) {}

std::optional<std::string> FlinkRest::get(const std::string& path) {
  HttpRequest request;
  request.url = base_ + path;
  request.timeout = timeout_;
  request.headers = {{"Accept", "application/json"}};
  HttpResponse response = http_.send(request);
  if (!response.error.empty()) {
    error_ = "GET " + path + " on " + where() + ": " + response.error;
    return std::nullopt;
  }
  if (!response.ok()) {
    error_ = "GET " + path + " on " + where() + " answered " + std::to_string(response.status) +
             " " + response.reason;
    return std::nullopt;
  }
  return std::move(response.body);
}

std::optional<std::vector<JobObservation>> FlinkRest::overview() {
  const auto body = get("/jobs/overview");
  if (!body) return std::nullopt;
  try {
    return read_overview(*body);
  } catch (const Poco::Exception& e) {
    error_ = "GET /jobs/overview on " + where() + ": not JSON: " + e.displayText();
  } catch (const std::exception& e) {
    error_ = "GET /jobs/overview on " + where() + ": " + e.what();
  }
  return std::nullopt;
}

std::optional<std::string> FlinkRest::root_exception(const std::string& job_id, std::size_t lines) {
  if (!is_job_id(job_id)) return std::string();
  const std::string path = "/jobs/" + job_id + "/exceptions";
  const auto body = get(path);
  if (!body) return std::nullopt;
  try {
    const Var root = Poco::JSON::Parser().parse(*body);
    for (const char* at : {"exceptionHistory.entries.0.stacktrace", "root-exception"}) {
      const auto value = json_at(root, at);
      if (value && value->isString() && !value->extract<std::string>().empty())
        return first_lines(value->extract<std::string>(), lines, kMaxExceptionBytes);
    }
    return std::string();
  } catch (const Poco::Exception& e) {
    error_ = "GET " + path + " on " + where() + ": not JSON: " + e.displayText();
  }
  return std::nullopt;
}

std::optional<std::string> FlinkRest::checkpoint_failure(const std::string& job_id) {
  if (!is_job_id(job_id)) return std::string();
  const std::string path = "/jobs/" + job_id + "/checkpoints";
  const auto body = get(path);
  if (!body) return std::nullopt;
  try {
    const Var root = Poco::JSON::Parser().parse(*body);
    const auto message = json_at(root, "latest.failed.failure_message");
    if (message && message->isString()) return first_lines(message->extract<std::string>(), 3, 500);
    return std::string();
  } catch (const Poco::Exception& e) {
    error_ = "GET " + path + " on " + where() + ": not JSON: " + e.displayText();
  }
  return std::nullopt;
}

bool FlinkRest::read_figures(JobObservation& job, Figures which) {
  if (!is_job_id(job.id)) {
    error_ = "\"" + truncated(job.id, 80) + "\" is not a Flink job id";
    return false;
  }
  const std::string path = "/jobs/" + job.id + "/metrics?get=" + which.metric_names();
  const auto body = get(path);
  if (!body) return false;
  try {
    // [{"id": "numRestarts", "value": "3"}, …]; a metric not reported yet is left out.
    const auto values = metric_values(Poco::JSON::Parser().parse(*body), "value");
    if (which.restarts) job.restarts = values.restarts;
    if (which.checkpoints) job.checkpoints_failed = values.checkpoints_failed;
    return true;
  } catch (const Poco::Exception& e) {
    error_ = "GET " + path + " on " + where() + ": not JSON: " + e.displayText();
  } catch (const std::exception& e) {
    error_ = "GET " + path + " on " + where() + ": " + e.what();
  }
  return false;
}

std::optional<FigureSums> FlinkRest::sum_figures(const std::vector<std::string>& job_ids,
                                                 Figures which) {
  std::string ids;
  for (const auto& id : job_ids) {
    if (!is_job_id(id)) {
      error_ = "\"" + truncated(id, 80) + "\" is not a Flink job id";
      return std::nullopt;
    }
    ids += (ids.empty() ? "" : ",") + id;
  }
  const std::string path = "/jobs/metrics?get=" + which.metric_names() + "&agg=sum&jobs=" + ids;
  const auto body = get(path);
  if (!body) return std::nullopt;
  try {
    // [{"id": "numRestarts", "sum": 3.0}, …]; a metric no selected job reports is left out.
    return metric_values(Poco::JSON::Parser().parse(*body), "sum");
  } catch (const Poco::Exception& e) {
    error_ = "GET /jobs/metrics on " + where() + ": not JSON: " + e.displayText();
  } catch (const std::exception& e) {
    error_ = "GET /jobs/metrics on " + where() + ": " + e.what();
  }
  return std::nullopt;
}

bool FlinkRest::cancel(const std::string& job_id) {
  if (!is_job_id(job_id)) {
    error_ = "\"" + truncated(job_id, 80) + "\" is not a Flink job id (32 hexadecimal digits)";
    return false;
  }
  const std::string path = "/jobs/" + job_id + "?mode=cancel";
  HttpRequest request;
  request.method = "PATCH";
  request.url = base_ + path;
  request.timeout = timeout_;
  HttpResponse response = http_.send(request);
  if (!response.error.empty()) {
    error_ = "PATCH " + path + " on " + where() + ": " + response.error;
    return false;
  }
  if (!response.ok()) {
    error_ = "PATCH " + path + " on " + where() + " answered " + std::to_string(response.status) +
             " " + response.reason + ": " + truncated(trimmed(response.body), 300);
    return false;
  }
  return true;
}

}  // namespace warden::plugins::flink
