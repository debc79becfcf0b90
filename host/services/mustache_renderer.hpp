#pragma once

#include <warden/templates.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace warden::host {

/// What any one template may cost, whoever renders it (a channel's alertTpl, a plugin's own
/// template): a template is a user's text, and one must not take the host down.
struct TemplateLimits {
  std::size_t max_template_bytes = 128 * 1024;
  std::size_t max_section_depth = 32;  ///< kainjow parses and renders sections by recursion
  std::size_t max_output_bytes = 1024 * 1024;
  std::chrono::milliseconds max_render_time{1000};
};

/// Checks that `tpl` parses as a Mustache template within the limits (size, nesting). Returns
/// nullopt when it does, else "line N: <reason>" (so a template can be refused when it is saved,
/// not when an alert is due).
std::optional<std::string> check_template(std::string_view tpl, const TemplateLimits& limits = {});

/// The host's TemplateRenderer, over kainjow::mustache. Stateless and thread-safe. Partials
/// (`{{> name}}`) render nothing: a value must never be rendered as a template. A template over a
/// limit is an error ("renders more than 1 MiB"), found before the text is made.
class MustacheRenderer : public TemplateRenderer {
 public:
  explicit MustacheRenderer(TemplateLimits limits = {}) : limits_(limits) {}

  Rendered render(std::string_view tpl, const Poco::JSON::Object& data,
                  Escape escape) noexcept override;

 private:
  TemplateLimits limits_;
};

}  // namespace warden::host
