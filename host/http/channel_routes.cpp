#include "host/http/channel_routes.hpp"

#include "host/alerts/alert_json.hpp"
#include "host/alerts/channel_instances.hpp"
#include "host/alerts/notice_pipeline.hpp"
#include "host/http/channel_json.hpp"
#include "host/http/request_error_answer.hpp"

#include <Poco/JSON/Array.h>

namespace warden::host::http {
namespace {

ChannelInstances::Snapshot existing(const ChannelInstances& channels, const std::string& name) {
  auto instance = channels.find(name);
  if (!instance) throw HttpError(404, "unknown channel instance \"" + name + "\"");
  return instance;
}

}  // namespace

void add_channel_routes(Router& router, ChannelInstances& channels, NoticePipeline& pipeline) {
  router.add("GET", "/api/channels", [&channels](const Request&) {
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    const auto all = channels.list();
    for (const auto& instance : all) list->add(channel_instance_json(channels, *instance));
    auto body = ok();
    body->set("count", static_cast<int>(all.size()));
    body->set("data", list);
    return Response::json(body);
  });

  router.add("GET", "/api/channels/{name}", [&channels](const Request& request) {
    auto body = ok();
    body->set("data", channel_instance_json(channels, *existing(channels, request.param("name"))));
    return Response::json(body);
  });

  router.add("PUT", "/api/channels/{name}", [&channels](const Request& request) {
    return answer([&] {
      bool created = false;
      const auto instance = channels.put(request.param("name"), *request.json(), created);
      auto body = ok();
      body->set("created", created);
      body->set("data", channel_instance_json(channels, *instance));
      return Response::json(body, created ? 201 : 200);
    });
  });

  // The alertTpl of a config not yet saved, rendered on the sample alert (the console's preview).
  router.add("POST", "/api/channels/preview", [&channels](const Request& request) {
    return answer([&] {
      const auto preview = channels.preview(*request.json());
      auto data = object();
      data->set("rendered", preview.rendered);
      data->set("error",
                preview.error.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(preview.error));
      auto body = ok();
      body->set("data", data);
      return Response::json(body);
    });
  });

  router.add("DELETE", "/api/channels/{name}", [&channels](const Request& request) {
    const auto& name = request.param("name");
    if (!channels.remove(name)) throw HttpError(404, "unknown channel instance \"" + name + "\"");
    return Response::json(ok());
  });

  // Sends a sample alert through the instance now (enabled or not) and answers with the vendor's
  // reply: 200 when delivered, 502 with the same data when not.
  router.add("POST", "/api/channels/{name}/test", [&channels, &pipeline](const Request& request) {
    const auto instance = existing(channels, request.param("name"));
    const auto notice = pipeline.send_now(*instance, sample_alert(instance->name));
    const bool delivered = notice.status == std::string(notice_status::sent);
    auto data = object();
    data->set("delivered", delivered);
    data->set("http_status", notice.http_status);
    data->set("detail", notice.detail);
    data->set("template_error", notice.template_error);
    data->set("notice_id", notice.notice_id);
    auto body = delivered ? ok()
                          : error_body("channel \"" + instance->name +
                                       "\" did not deliver the test alert: " +
                                       (notice.error.empty() ? "no reason given" : notice.error));
    body->set("data", data);
    return Response::json(body, delivered ? 200 : 502);
  });
}

}  // namespace warden::host::http
