#include <warden/warden.hpp>

namespace warden::plugins {
namespace {

constexpr std::size_t kMaxDetailBytes = 2048;

/// The channel instance's fields (SPEC §8), read once per delivery.
struct CallbackSettings {
  std::string url;
  std::string method;
  std::string content_type;
  HttpHeaders extra_headers;
  std::string body_template;

  static CallbackSettings from(const Config& config) {
    CallbackSettings s;
    s.url = config.string("url");
    s.method = config.string_or("method", "POST");
    if (s.method != "POST" && s.method != "PUT")
      throw std::invalid_argument("method must be POST or PUT, not \"" + s.method + "\"");
    s.content_type = config.string_or("contentType", "application/json");
    s.extra_headers = parse_header_lines(config.string_or("headers", ""));
    s.body_template = config.string_or("alertTpl", "");
    return s;
  }
};

/// What the body template sees: the alert's fields, plus `labels_json`, the labels as a JSON
/// object (Mustache cannot list an object's keys, and a JSON body should carry every label).
Poco::JSON::Object::Ptr template_data(const Alert& alert) {
  Poco::JSON::Object::Ptr data = alert.to_json();
  std::ostringstream labels;
  data->getObject("labels")->stringify(labels);
  data->set("labels_json", labels.str());
  return data;
}

}  // namespace

/// Delivers an alert as an HTTP POST or PUT whose body is the rendered `alertTpl`.
class HttpCallbackChannel : public AlertChannel {
 public:
  Delivery send(const Alert& alert) override {
    const CallbackSettings settings = CallbackSettings::from(config());
    const Escape escape = is_json_media_type(settings.content_type) ? Escape::json : Escape::none;
    Rendered body = templates().render(settings.body_template, *template_data(alert), escape);
    if (!body.ok()) return Delivery{false, "alertTpl: " + body.error};

    const Delivery delivery =
        to_delivery(http().send(make_request(settings, std::move(body.text))));
    if (delivery.delivered)
      log().debug("alert delivered (HTTP " + std::to_string(delivery.http_status) + ")");
    else
      log().warn("alert not delivered: " + why_not(delivery));
    return delivery;
  }

 private:
  HttpRequest make_request(const CallbackSettings& settings, std::string body) const {
    HttpRequest request;
    request.method = settings.method;
    request.url = settings.url;
    request.body = std::move(body);
    request.headers.emplace_back("Content-Type", settings.content_type);
    for (const auto& header : settings.extra_headers) {
      // contentType decides the Content-Type, and with it how the template's values are escaped.
      if (lowercase(header.first) == "content-type") {
        log().warn("headers: a Content-Type line is ignored; set contentType instead");
        continue;
      }
      request.headers.push_back(header);
    }
    return request;
  }

  /// A short reason for the log: the status, or the transport error (never the vendor's body).
  static std::string why_not(const Delivery& delivery) {
    if (delivery.http_status == 0) return delivery.detail;
    const std::string status = "HTTP " + std::to_string(delivery.http_status);
    const bool answered_2xx = delivery.http_status >= 200 && delivery.http_status < 300;
    return answered_2xx ? status + ", " + delivery.detail : status;
  }

  static Delivery to_delivery(const HttpResponse& response) {
    Delivery delivery;
    delivery.delivered = response.ok();
    delivery.http_status = response.status;
    delivery.detail =
        truncated(response.error.empty() ? response.body : response.error, kMaxDetailBytes);
    delivery.retry_after_s = retry_after_seconds(response.header("Retry-After"));
    return delivery;
  }
};

}  // namespace warden::plugins

WARDEN_PLUGIN(warden::plugins::HttpCallbackChannel, "http_callback")
