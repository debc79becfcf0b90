#include "host/http/alert_routes.hpp"

#include "host/alerts/alert_json.hpp"
#include "host/alerts/alertmanager.hpp"
#include "host/alerts/notice_pipeline.hpp"
#include "host/http/request_error_answer.hpp"

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

Poco::JSON::Object::Ptr summary(const Notice& n) {
  auto o = object();
  o->set("notice_id", n.notice_id);
  o->set("channel", n.channel_name);
  o->set("status", n.status);
  o->set("aggregated", n.aggregated);
  if (!n.blocked_by.empty()) o->set("blocked_by", n.blocked_by);
  return o;
}

Response accepted(const std::vector<Notice>& notices) {
  Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
  for (const auto& n : notices) list->add(summary(n));
  auto body = ok();
  body->set("count", static_cast<int>(notices.size()));
  body->set("data", list);
  return Response::json(body);
}

}  // namespace

void add_alert_routes(Router& router, NoticePipeline& pipeline) {
  router.add("POST", "/api/alerts", [&pipeline](const Request& request) {
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
    return answer([&] { return accepted(pipeline.raise(alert, targets, "api")); });
  });

  // Alertmanager's webhook receiver (version 4): one alert per entry of "alerts", to the channels
  // named by the `channels` query parameter (comma-separated) or every enabled one.
  router.add("POST", "/api/alerts/alertmanager", [&pipeline](const Request& request) {
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
      for (const auto& alert : alerts) {
        auto notices = pipeline.raise(alert, targets, "alertmanager");
        all.insert(all.end(), notices.begin(), notices.end());
      }
      return accepted(all);
    });
  });
}

}  // namespace warden::host::http
