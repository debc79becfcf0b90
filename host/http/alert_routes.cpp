#include "host/http/alert_routes.hpp"

#include "host/alerts/alert_json.hpp"
#include "host/alerts/alertmanager.hpp"
#include "host/alerts/notice_pipeline.hpp"
#include "host/automation/action_engine.hpp"
#include "host/http/request_error_answer.hpp"
#include "host/services/json_string_escape.hpp"

#include <Poco/JSON/Array.h>

namespace warden::host::http {
namespace {

/// `"channels"`: absent or empty means every enabled instance.
std::vector<std::string> channel_names(const Poco::JSON::Object& body) {
  std::vector<std::string> names;
  if (!body.has("channels") || body.isNull("channels")) return names;
  const auto value = body.get("channels");
  if (value.isString()) return {value.convert<std::string>()};
  if (value.type() != typeid(Poco::JSON::Array::Ptr))
    throw HttpError(400, "\"channels\" must be a list of channel instance names");
  const auto array = value.extract<Poco::JSON::Array::Ptr>();
  for (std::size_t i = 0; i < array->size(); ++i) {
    if (!array->get(i).isString())
      throw HttpError(400, "\"channels[" + std::to_string(i) + "]\" must be a string");
    names.push_back(array->get(i).convert<std::string>());
  }
  return names;
}

/// `{"id", "state", "signal", "actions": [ids]}`: what an alert in did to its record.
std::string ingested_json(const Ingested& in) {
  std::string out = R"({"id":")" + json_string_escape(in.record.id) + R"(","state":")" +
                    json_string_escape(in.record.state) + R"(","signal":)";
  out += in.fired ? "\"" + std::string(to_string(*in.fired)) + "\"" : "null";
  out += R"(,"actions":[)";
  for (std::size_t i = 0; i < in.action_ids.size(); ++i)
    out += (i ? ",\"" : "\"") + json_string_escape(in.action_ids[i]) + "\"";
  return out + "]}";
}

/// One alert: its record and policies, then the channels it names or the default route.
std::vector<Notice> take(const Alert& alert, const std::vector<std::string>& targets,
                         const std::string& origin, NoticePipeline& pipeline,
                         AutomationApi& automation, std::vector<Ingested>& ingested) {
  ingested.push_back(automation.ingest(alert, origin));
  if (!targets.empty() || !ingested.back().taken) return pipeline.raise(alert, targets, origin);
  return {};
}

/// `{"result": "ok", "count", "data": [{"notice_id", "channel", "status", "aggregated",
/// "blocked_by"?}]}`, written directly: every alert in is answered with it, and building it as
/// Poco JSON objects cost more than the rest of the answer.
Response accepted(const std::vector<Notice>& notices, const std::vector<Ingested>& ingested) {
  std::string body = R"({"result":"ok","count":)" + std::to_string(notices.size()) + R"(,"data":[)";
  const auto field = [&body](const char* name, const std::string& value) {
    body += '"';
    body += name;
    body += R"(":")";
    body += json_string_escape(value);
    body += R"(",)";
  };
  for (std::size_t i = 0; i < notices.size(); ++i) {
    const auto& n = notices[i];
    body += i ? ",{" : "{";
    field("notice_id", n.notice_id);
    field("channel", n.channel_name);
    field("status", n.status);
    body += R"("aggregated":)" + std::to_string(n.aggregated);
    if (!n.blocked_by.empty()) {
      body += ',';
      field("blocked_by", n.blocked_by);
      body.pop_back();  // the comma field() leaves
    }
    body += '}';
  }
  body += "]";
  if (ingested.size() == 1) body += R"(,"alert":)" + ingested_json(ingested.front());
  if (ingested.size() > 1) {
    body += R"(,"alerts":[)";
    for (std::size_t i = 0; i < ingested.size(); ++i)
      body += (i ? "," : "") + ingested_json(ingested[i]);
    body += "]";
  }
  body += "}";
  Response response;
  response.body = std::move(body);
  return response;
}

}  // namespace

void add_alert_routes(Router& router, NoticePipeline& pipeline, AutomationApi& automation) {
  router.add("POST", "/api/alerts", [&pipeline, &automation](const Request& request) {
    const auto body = request.json();
    for (const auto& [name, _] : *body)
      if (name != "alert" && name != "channels")
        throw HttpError(400, "\"" + name +
                                 "\" is not a field of an alert request (known: alert, "
                                 "channels)");
    if (!body->has("alert") || body->get("alert").type() != typeid(Poco::JSON::Object::Ptr))
      throw HttpError(400, "\"alert\" is required: a JSON object with at least a title");
    Alert alert;
    try {
      alert = alert_from_json(*body->getObject("alert"));
    } catch (const AlertInputError& e) {
      throw HttpError(400, e.what());
    }
    const auto targets = channel_names(*body);
    return answer([&] {
      std::vector<Ingested> ingested;
      auto notices = take(alert, targets, "api", pipeline, automation, ingested);
      return accepted(notices, ingested);
    });
  });

  // Alertmanager's webhook receiver (version 4): one alert per entry of "alerts", to the channels
  // named by the `channels` query parameter (comma-separated) or every enabled one.
  router.add("POST", "/api/alerts/alertmanager", [&pipeline, &automation](const Request& request) {
    std::vector<Alert> alerts;
    try {
      alerts = alerts_from_alertmanager(*request.json());
    } catch (const AlertInputError& e) {
      throw HttpError(400, e.what());
    }
    std::vector<std::string> targets;
    if (auto list = request.query("channels")) {
      std::size_t start = 0;
      while (start <= list->size()) {
        auto end = list->find(',', start);
        if (end == std::string::npos) end = list->size();
        if (end > start) targets.push_back(list->substr(start, end - start));
        start = end + 1;
      }
    }
    return answer([&] {
      std::vector<Notice> all;
      std::vector<Ingested> ingested;
      for (const auto& alert : alerts) {
        auto notices = take(alert, targets, "alertmanager", pipeline, automation, ingested);
        all.insert(all.end(), notices.begin(), notices.end());
      }
      return accepted(all, ingested);
    });
  });
}

}  // namespace warden::host::http
