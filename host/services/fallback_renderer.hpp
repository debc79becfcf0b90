#pragma once

#include <warden/templates.hpp>

#include <string>
#include <string_view>

namespace warden::host {

/// The plain text an alert is rendered to when neither alertTpl nor the channel's default works.
inline constexpr const char* kPlainFallbackTemplate =
    "[{{severity}}] {{title}}{{^title}}{{subject}}{{/title}} ({{status}})\n"
    "source: {{source}}\nstart: {{start_time}}\n{{message}}\n{{link}}\n";

/// Another renderer, except that when a channel instance's alertTpl fails to render, the
/// channel's default template (the manifest's alertTpl default) renders instead, else a plain
/// text; the first error is kept. So a broken template costs nothing until it breaks, and the
/// alert still goes out.
class FallbackRenderer : public TemplateRenderer {
 public:
  FallbackRenderer(TemplateRenderer& inner, std::string alert_tpl, std::string channel_default)
      : inner_(inner), alert_tpl_(std::move(alert_tpl)), default_(std::move(channel_default)) {}

  Rendered render(std::string_view tpl, const Poco::JSON::Object& data,
                  Escape escape) noexcept override;

  const std::string& error() const { return error_; }

 private:
  TemplateRenderer& inner_;
  std::string alert_tpl_;
  std::string default_;
  std::string error_;
};

}  // namespace warden::host
