#pragma once

#include <warden/alert_channel.hpp>
#include <warden/http_client.hpp>
#include <warden/text.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace warden {

/// A JSON field of a vendor's answer that holds its result code, and the field with the message
/// that goes with it: `{"errcode", "errmsg"}` (DingTalk, WeCom), `{"code", "msg"}` (Lark).
struct ReplyCode {
  const char* code;
  const char* message;
};

/// The Delivery for a group robot's answer to a webhook call. A transport error or a non-2xx
/// status fails it; so does a 2xx whose JSON lacks every field of `codes`, or whose first present
/// code is not 0 (`DingTalk error 310000: sign not match`). `secrets` are masked out of every
/// detail, which is cut to `max_detail` bytes; `Retry-After` is reported.
inline Delivery robot_delivery(const HttpResponse& response,
                               const std::vector<std::string>& secrets, const std::string& vendor,
                               std::initializer_list<ReplyCode> codes,
                               std::size_t max_detail = 2048) {
  Delivery delivery;
  delivery.http_status = response.status;
  delivery.retry_after_s = retry_after_seconds(response.header("Retry-After"));
  if (!response.error.empty()) {
    delivery.detail = masked(response.error, secrets);
    return delivery;
  }
  const std::string answer = masked(truncated(response.body, max_detail), secrets);
  if (!response.ok()) {
    delivery.detail = "HTTP " + std::to_string(response.status) + ": " + answer;
    return delivery;
  }
  Poco::JSON::Object::Ptr reply;
  try {
    reply = Poco::JSON::Parser().parse(response.body).extract<Poco::JSON::Object::Ptr>();
  } catch (const std::exception&) {
  }
  const ReplyCode* found = nullptr;
  for (const auto& candidate : codes) {
    if (reply && reply->has(candidate.code)) {
      found = &candidate;
      break;
    }
  }
  if (!found) {
    const std::string first = codes.size() ? codes.begin()->code : "code";
    const bool vowel = first.find_first_of("aeiou") == 0;
    delivery.detail =
        vendor + " answered without " + (vowel ? "an " : "a ") + first + ": " + answer;
    return delivery;
  }
  const auto code = reply->get(found->code);
  if (!code.isNumeric() || code.convert<std::int64_t>() != 0) {
    const std::string message = reply->optValue<std::string>(found->message, "");
    delivery.detail = masked(
        vendor + " error " + code.toString() + ": " + truncated(message, max_detail), secrets);
    return delivery;
  }
  delivery.delivered = true;
  delivery.detail = answer;
  return delivery;
}

}  // namespace warden
