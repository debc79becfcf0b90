#include "host/http/alert_record_routes.hpp"

#include "host/automation/action_engine.hpp"
#include "host/automation/alert_record_store.hpp"
#include "host/http/action_json.hpp"
#include "host/http/alert_record_json.hpp"
#include "host/http/body_fields.hpp"
#include "host/http/request_error_answer.hpp"
#include "host/runtime/iso_time.hpp"
#include "host/runtime/json_number.hpp"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <map>
#include <set>

namespace warden::host::http {
namespace {

using Errors = std::map<std::string, std::string>;

constexpr std::size_t kMaxLimit = 500;
constexpr std::int64_t kMaxOffset = 1'000'000'000;
constexpr std::size_t kMaxCloseText = 256;

/// `, not "x"` when the refused text is short, printable ASCII; else nothing.
std::string echoed(const std::string& text) {
  const bool printable =
      std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
  return text.size() <= 32 && printable ? ", not \"" + text + "\"" : "";
}

/// Answers 400 naming every bad field at once.
[[noreturn]] void refuse(const Errors& errors, const std::string& what) {
  std::string message;
  if (errors.size() == 1) {
    message = what + " \"" + errors.begin()->first + "\" " + errors.begin()->second;
  } else {
    message = std::to_string(errors.size()) + " " + what + "s are wrong:";
    for (const auto& [name, _] : errors) message += " \"" + name + "\"";
  }
  throw HttpError(400, message, errors);
}

std::size_t number_param(const Request& request, const std::string& name, std::size_t fallback,
                         std::int64_t low, std::int64_t high, Errors& errors) {
  const auto text = request.query(name);
  if (!text) return fallback;
  const auto n = whole_number_in_text(*text, low, high);
  if (!n) {
    errors[name] = whole_number_refusal(Poco::Dynamic::Var(), low, high) + echoed(*text);
    return fallback;
  }
  return static_cast<std::size_t>(*n);
}

std::int64_t time_param(const Request& request, const std::string& name, Errors& errors) {
  const auto text = request.query(name);
  if (!text) return 0;
  try {
    return parse_iso8601(*text).unix_ms;
  } catch (const IsoTimeError& e) {
    errors[name] = "must be an ISO 8601 date and time, e.g. 2026-11-23T10:00:00Z: " + e.reason();
    return 0;
  }
}

AlertRecordQuery query_of(const Request& request) {
  static const std::set<std::string> kKnown = {"state", "source", "label", "from",
                                               "to",    "limit",  "offset"};
  Errors errors;
  for (const auto& [name, _] : request.query_params)
    if (!kKnown.count(name))
      errors[name.size() <= 64 ? name : name.substr(0, 64) + "…"] =
          "is not a filter of alert records (known: state, source, label, from, to, "
          "limit, offset)";
  AlertRecordQuery query;
  if (const auto state = request.query("state")) {
    if (!signal_from_string(*state))
      errors["state"] = "must be one of abnormal, recovered, no_data, closed" + echoed(*state);
    query.state = *state;
  }
  query.source = request.query("source").value_or("");
  const auto labels = std::count_if(request.query_params.begin(), request.query_params.end(),
                                    [](const auto& param) { return param.first == "label"; });
  if (labels > 1) {
    errors["label"] = "may be given once";
  } else if (const auto label = request.query("label")) {
    const auto equals = label->find('=');
    if (equals == std::string::npos || equals == 0)
      errors["label"] = "must be key=value, e.g. label=env=production" + echoed(*label);
    else {
      query.label_key = label->substr(0, equals);
      query.label_value = label->substr(equals + 1);
    }
  }
  query.from_ms = time_param(request, "from", errors);
  query.to_ms = time_param(request, "to", errors);
  if (!errors.count("from") && !errors.count("to") && request.query("from") &&
      request.query("to") && query.to_ms < query.from_ms)
    errors["to"] = "must not be before \"from\"";
  query.limit = number_param(request, "limit", query.limit, 1, kMaxLimit, errors);
  query.offset = number_param(request, "offset", 0, 0, kMaxOffset, errors);
  if (!errors.empty()) refuse(errors, "query parameter");
  return query;
}

/// UTF-8 characters (bytes that do not continue one).
std::size_t characters(const std::string& text) {
  return std::count_if(text.begin(), text.end(),
                       [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
}

struct CloseRequest {
  std::string by, reason;
};

CloseRequest close_request_of(const Request& request) {
  const auto body = body_of(request, true);
  Errors errors;
  CloseRequest out;
  for (const auto& [name, value] : *body) {
    std::string* field = name == "by" ? &out.by : name == "reason" ? &out.reason : nullptr;
    if (!field) {
      errors[name] = "is not a field of a close request (known: by, reason)";
    } else if (value.isEmpty()) {
      continue;
    } else if (!value.isString()) {
      errors[name] = "must be a string";
    } else {
      *field = value.extract<std::string>();
      if (characters(*field) > kMaxCloseText)
        errors[name] = "must be at most " + std::to_string(kMaxCloseText) + " characters";
    }
  }
  if (!errors.empty()) refuse(errors, "field");
  return out;
}

}  // namespace

void add_alert_record_routes(Router& router, AutomationApi& api, Database& database) {
  router.add("GET", "/api/alerts", [&database](const Request& request) {
    const auto query = query_of(request);
    const auto page = list_alert_records(database, query);
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const auto& record : page.records) items->add(alert_record_json(record));
    auto data = object();
    data->set("total", static_cast<Poco::UInt64>(page.total));
    data->set("items", items);
    auto body = ok();
    body->set("data", data);
    return Response::json(body);
  });

  router.add("GET", "/api/alerts/{id}", [&api, &database](const Request& request) {
    const auto& id = request.param("id");
    return answer([&] {
      auto record = api.find_alert(id);
      if (!record) record = find_alert_record(database, id);
      if (!record) throw HttpError(404, "unknown alert record \"" + id + "\"");
      auto data = alert_record_json(*record);
      Poco::JSON::Array::Ptr actions = new Poco::JSON::Array;
      for (const auto& action : api.actions_of_alert(id)) actions->add(action_to_json(action));
      data->set("actions", actions);
      auto body = ok();
      body->set("data", data);
      return Response::json(body);
    });
  });

  router.add("POST", "/api/alerts/{id}/close", [&api](const Request& request) {
    const auto close = close_request_of(request);
    return answer([&] {
      auto body = ok();
      body->set("data",
                alert_record_json(api.close_alert(request.param("id"), close.by, close.reason)));
      return Response::json(body);
    });
  });
}

}  // namespace warden::host::http
