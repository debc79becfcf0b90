#include "host/http/notification_routes.hpp"

#include "host/alerts/notice_pipeline.hpp"
#include "host/alerts/notice_store.hpp"
#include "host/http/notice_json.hpp"
#include "host/http/request_error_answer.hpp"
#include "host/runtime/json_number.hpp"
#include "host/runtime/iso_time.hpp"

#include <Poco/JSON/Array.h>

#include <algorithm>

namespace warden::host::http {
namespace {

int query_number(const Request& request, const std::string& name, int fallback, int low, int high) {
  const auto text = request.query(name);
  if (!text) return fallback;
  const auto n = whole_number_in_text(*text, low, high);
  if (!n) {
    std::string message =
        "query parameter \"" + name + "\" " + whole_number_refusal(Poco::Dynamic::Var(), low, high);
    // The refused text is echoed only when it is short, printable ASCII.
    const bool printable =
        std::all_of(text->begin(), text->end(), [](char c) { return c >= 0x20 && c < 0x7f; });
    if (text->size() <= 32 && printable) message += ", not \"" + *text + "\"";
    throw HttpError(400, message);
  }
  return static_cast<int>(*n);
}

std::optional<std::int64_t> time_param(const Request& request, const std::string& name) {
  const auto text = request.query(name);
  if (!text) return std::nullopt;
  try {
    return parse_iso8601(*text).unix_ms;
  } catch (const IsoTimeError& e) {
    throw HttpError(400, "query parameter \"" + name +
                             "\" must be an ISO 8601 date and time, e.g. "
                             "2026-11-23T10:00:00Z: " +
                             e.reason());
  }
}

}  // namespace

void add_notification_routes(Router& router, const NoticeStore& store, NoticePipeline& pipeline) {
  router.add("GET", "/api/notifications", [&store, &pipeline](const Request& request) {
    NoticeQuery query;
    query.channel_name = request.query("channel");
    query.status = request.query("status");
    if (query.status && !notice_status::known(*query.status))
      throw HttpError(400,
                      "query parameter \"status\" must be one of created, sending, sent, "
                      "failed, blocked, not \"" +
                          *query.status + "\"");
    query.origin = request.query("origin");
    query.dedupe_key = request.query("dedupe_key");
    query.since_ms = time_param(request, "since");
    query.until_ms = time_param(request, "until");
    query.page = query_number(request, "page", 1, 1, 1'000'000);
    query.page_size = query_number(request, "p_size", 20, 1, 500);
    auto page = store.list(query);
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (auto& notice : page.notices) {
      pipeline.overlay_parked(notice);
      list->add(notice_json(notice));
    }
    auto body = ok();
    body->set("total", page.total);
    body->set("count", static_cast<int>(page.notices.size()));
    body->set("data", list);
    return Response::json(body);
  });

  router.add("GET", "/api/notifications/{id}", [&pipeline](const Request& request) {
    const auto& id = request.param("id");
    const auto notice = pipeline.find(id);
    if (!notice) throw HttpError(404, "unknown notice \"" + id + "\"");
    auto body = ok();
    body->set("data", notice_json(*notice));
    return Response::json(body);
  });

  router.add("POST", "/api/notifications/{id}/replay", [&pipeline](const Request& request) {
    return answer([&] {
      auto body = ok();
      body->set("data", notice_json(pipeline.replay(request.param("id"))));
      return Response::json(body);
    });
  });
}

}  // namespace warden::host::http
