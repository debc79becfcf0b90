#include "host/alerts/channel_sender.hpp"

#include "host/plugins/plugin_call.hpp"
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

/// The process's renderer, except that when the instance's alertTpl fails to render, the
/// channel's default template (the manifest's alertTpl default) renders instead, else a plain
/// text; the first error is kept. So a broken template costs nothing until it breaks, and the
/// alert still goes out.
class FallbackRenderer : public TemplateRenderer {
 public:
  FallbackRenderer(TemplateRenderer& inner, std::string alert_tpl, std::string channel_default)
      : inner_(inner), alert_tpl_(std::move(alert_tpl)), default_(std::move(channel_default)) {}

  Rendered render(std::string_view tpl, const Poco::JSON::Object& data,
                  Escape escape) noexcept override {
    Rendered out = inner_.render(tpl, data, escape);
    if (out.ok() || alert_tpl_.empty() || tpl != alert_tpl_) return out;
    if (error_.empty()) error_ = "alertTpl: " + out.error + "; sent with the fallback template";
    if (!default_.empty() && default_ != alert_tpl_) {
      Rendered fallback = inner_.render(default_, data, escape);
      if (fallback.ok()) return fallback;
    }
    return inner_.render(kPlainFallbackTemplate, data, escape);
  }

  const std::string& error() const { return error_; }

 private:
  TemplateRenderer& inner_;
  std::string alert_tpl_;
  std::string default_;
  std::string error_;
};

std::string string_field(const Poco::JSON::Object& config, const std::string& name) {
  return config.has(name) && config.get(name).isString() ? config.getValue<std::string>(name)
                                                         : std::string();
}

std::string channel_default_template(const Manifest& manifest) {
  const auto* field = manifest.schema.find("alertTpl");
  if (!field || !field->default_value || !field->default_value->isString()) return {};
  return field->default_value->convert<std::string>();
}

}  // namespace

SendOutcome ChannelSender::send(const ChannelInstance& instance,
                                const Alert& alert) const noexcept {
  SendOutcome out;
  try {
    const auto record = registry_.find(instance.channel);
    if (!record) {
      out.delivery = {false, "channel plugin \"" + instance.channel + "\" is not loaded"};
      return out;
    }
    // The plugin's own copy: objects on other threads read the instance's at the same time.
    Poco::JSON::Object::Ptr config = new Poco::JSON::Object(*instance.config);
    TimeoutHttpClient http(*services_.http,
                           std::chrono::milliseconds(instance.delivery.timeout_ms));
    FallbackRenderer renderer(
        *services_.templates, string_field(*config, "alertTpl"),
        record->manifest ? channel_default_template(*record->manifest) : std::string());
    // Neither is owned here: both outlive the object call_plugin makes.
    SharedServices scoped{
        std::shared_ptr<HttpClient>(std::shared_ptr<HttpClient>{}, &http),
        std::shared_ptr<TemplateRenderer>(std::shared_ptr<TemplateRenderer>{}, &renderer),
        services_.alerts};
    const PluginUse use{*record,
                        Kind::alert_channel,
                        "channel plugin \"" + instance.channel + "\"",
                        scoped,
                        "plugin=" + instance.channel + " channel=" + instance.name,
                        config};
    const auto failed = call_plugin_as<AlertChannel>(
        use, [&](AlertChannel& channel) { out.delivery = channel.deliver(alert); });
    if (!failed.empty()) out.delivery = {false, failed};
    out.template_error = renderer.error();
  } catch (const Poco::Exception& e) {
    out.delivery = {false, e.displayText()};
  } catch (const std::exception& e) {
    out.delivery = {false, e.what()};
  }
  return out;
}

}  // namespace warden::host
