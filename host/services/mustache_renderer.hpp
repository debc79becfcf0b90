#pragma once

#include <warden/templates.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace warden::host {

/// Checks that `tpl` parses as a Mustache template. Returns nullopt when it does, else
/// "line N: <reason>" (so a template can be refused when it is saved, not when an alert is due).
std::optional<std::string> check_template(std::string_view tpl);

/// The host's TemplateRenderer, over kainjow::mustache. Stateless and thread-safe. Partials
/// (`{{> name}}`) render nothing: a value must never be rendered as a template.
class MustacheRenderer : public TemplateRenderer {
 public:
  Rendered render(std::string_view tpl, const Poco::JSON::Object& data,
                  Escape escape) noexcept override;
};

}  // namespace warden::host
