#include "host/alerts/channel_sender.hpp"

#include "host/plugins/plugin_registry.hpp"

#include <Poco/Exception.h>

#include <chrono>

namespace warden::host {
namespace {

/// The process's HTTP client with every request's timeout set to the channel instance's.
class TimeoutHttpClient : public HttpClient {
 public:
  TimeoutHttpClient(HttpClient& inner, std::chrono::milliseconds timeout)
      : inner_(inner), timeout_(timeout) {}
  HttpResponse send(const HttpRequest& request) noexcept override {
    HttpRequest copy = request;
    copy.timeout = timeout_;
    return inner_.send(copy);
  }

 private:
  HttpClient& inner_;
  std::chrono::milliseconds timeout_;
};

/// alertTpl as the instance has it, checked against this alert; on failure the field is replaced
/// by the manifest's default template, else by the plain fallback. Returns the render error.
std::string settle_template(Poco::JSON::Object& config, const Manifest& manifest,
                            const Alert& alert, TemplateRenderer& renderer) {
  if (!config.has("alertTpl") || !config.get("alertTpl").isString()) return {};
  const auto data = alert.template_data();
  const auto tpl = config.getValue<std::string>("alertTpl");
  const Rendered own = renderer.render(tpl, *data, Escape::none);
  if (own.ok()) return {};
  std::string fallback = kPlainFallbackTemplate;
  if (const auto* field = manifest.schema.find("alertTpl");
      field && field->default_value && field->default_value->isString()) {
    const auto manifest_default = field->default_value->convert<std::string>();
    if (manifest_default != tpl && renderer.render(manifest_default, *data, Escape::none).ok())
      fallback = manifest_default;
  }
  config.set("alertTpl", fallback);
  return "alertTpl: " + own.error + "; sent with the fallback template";
}

}  // namespace

SendOutcome ChannelSender::send(const ChannelInstance& instance,
                                const Alert& alert) const noexcept {
  SendOutcome out;
  try {
    const auto record = registry_.find(instance.channel);
    if (!record || !record->loaded()) {
      out.delivery = {false, "channel plugin \"" + instance.channel + "\" is not loaded"};
      return out;
    }
    if (record->manifest->kind != Kind::alert_channel) {
      out.delivery = {false, "plugin \"" + instance.channel + "\" is not an alert channel"};
      return out;
    }
    // A copy: the fallback template must not change the instance.
    Poco::JSON::Object::Ptr config = new Poco::JSON::Object(*instance.config);
    out.template_error = settle_template(*config, *record->manifest, alert, *services_.templates);

    TimeoutHttpClient http(*services_.http,
                           std::chrono::milliseconds(instance.delivery.timeout_ms));
    SharedServices scoped{std::shared_ptr<HttpClient>(std::shared_ptr<HttpClient>{}, &http),
                          services_.templates};
    // Declared before the object: the object points at it until it is destroyed.
    HostServicesImpl host(scoped, "plugin=" + instance.channel + " channel=" + instance.name);
    std::string error;
    auto channel = record->library->create_as<AlertChannel>(error);
    if (!channel) {
      out.delivery = {false,
                      "channel plugin \"" + instance.channel + "\" could not be made: " + error};
      return out;
    }
    channel->bind(host, Config(config));
    out.delivery = channel->deliver(alert);
  } catch (const Poco::Exception& e) {
    out.delivery = {false, e.displayText()};
  } catch (const std::exception& e) {
    out.delivery = {false, e.what()};
  }
  return out;
}

}  // namespace warden::host
