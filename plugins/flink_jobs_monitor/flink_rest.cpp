#include "flink_rest.hpp"

#include <warden/json_value.hpp>
#include <warden/text.hpp>

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cctype>
#include <utility>

namespace warden::plugins::flink {
namespace {

using Poco::Dynamic::Var;

constexpr std::size_t kMaxExceptionBytes = 2000;

std::int64_t int_or(const Poco::JSON::Object& o, const std::string& key, std::int64_t fallback) {
  if (!o.has(key) || o.isNull(key)) return fallback;
  try {
    return o.getValue<std::int64_t>(key);
  } catch (const Poco::Exception&) {
    return fallback;
  }
}

bool is_job_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

}  // namespace

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
    const Var root = Poco::JSON::Parser().parse(*body);
    const auto object = root.extract<Poco::JSON::Object::Ptr>();
    const auto list = object ? object->getArray("jobs") : nullptr;
    if (!list) {
      error_ = "GET /jobs/overview on " + where() + ": the answer has no \"jobs\" list";
      return std::nullopt;
    }
    std::vector<JobObservation> jobs;
    jobs.reserve(list->size());
    for (std::size_t i = 0; i < list->size(); ++i) {
      const auto item = list->getObject(static_cast<unsigned>(i));
      if (!item || !item->has("jid") || !item->has("state")) continue;
      JobObservation job;
      job.id = item->getValue<std::string>("jid");
      job.name = item->has("name") ? item->getValue<std::string>("name") : job.id;
      job.state = item->getValue<std::string>("state");
      job.start_ms = int_or(*item, "start-time", -1);
      job.end_ms = int_or(*item, "end-time", -1);
      job.duration_ms = int_or(*item, "duration", 0);
      jobs.push_back(std::move(job));
    }
    return jobs;
  } catch (const Poco::Exception& e) {
    error_ = "GET /jobs/overview on " + where() + ": not JSON: " + e.displayText();
  } catch (const std::exception& e) {
    error_ = "GET /jobs/overview on " + where() + ": unexpected answer: " + e.what();
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

bool FlinkRest::read_checkpoints(JobObservation& job) {
  if (!is_job_id(job.id)) return false;
  const std::string path = "/jobs/" + job.id + "/checkpoints";
  const auto body = get(path);
  if (!body) return false;
  try {
    const Var root = Poco::JSON::Parser().parse(*body);
    const auto failed = json_at(root, "counts.failed");
    if (!failed || !failed->isNumeric()) {
      error_ = "GET " + path + " on " + where() + ": the answer has no counts.failed";
      return false;
    }
    job.checkpoints_failed = failed->convert<std::int64_t>();
    if (const auto message = json_at(root, "latest.failed.failure_message");
        message && message->isString())
      job.last_checkpoint_failure = first_lines(message->extract<std::string>(), 3, 500);
    return true;
  } catch (const Poco::Exception& e) {
    error_ = "GET " + path + " on " + where() + ": not JSON: " + e.displayText();
  }
  return false;
}

bool FlinkRest::read_restarts(JobObservation& job) {
  if (!is_job_id(job.id)) return false;
  const std::string path = "/jobs/" + job.id + "/metrics?get=numRestarts";
  const auto body = get(path);
  if (!body) return false;
  try {
    const Var root = Poco::JSON::Parser().parse(*body);
    const auto value = json_at(root, "0.value");
    if (!value) {  // no such metric yet (the job is starting): no restarts
      job.restarts = 0;
      return true;
    }
    job.restarts = std::stoll(json_text(*value));
    return true;
  } catch (const Poco::Exception& e) {
    error_ = "GET " + path + " on " + where() + ": not JSON: " + e.displayText();
  } catch (const std::exception&) {
    error_ = "GET " + path + " on " + where() + ": numRestarts is not a number";
  }
  return false;
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
