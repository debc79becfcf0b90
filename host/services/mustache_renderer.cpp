#include "host/services/mustache_renderer.hpp"

#include "host/services/json_string_escape.hpp"
#include "host/services/mustache_data.hpp"

#include <kainjow/mustache.hpp>

#include <algorithm>
#include <exception>
#include <sstream>

namespace warden::host {
namespace {

using kainjow::mustache::data;
using kainjow::mustache::mustache;

/// A render context without partials: kainjow looks a partial up among the data's values, so
/// `{{> message}}` would render an alert's message as a template, and one that names itself would
/// recurse until the stack overflows.
class ValuesOnlyContext : public kainjow::mustache::context<std::string> {
 public:
  using context::context;
  const data* get_partial(const std::string&) const override { return nullptr; }
};

std::string no_escape(const std::string& text) {
  return text;
}
std::string html_escape(const std::string& text) {
  return kainjow::mustache::html_escape<std::string>(text);
}
std::string json_escape(const std::string& text) {
  return json_string_escape(text);
}

mustache::escape_handler escaper_for(Escape escape) {
  switch (escape) {
    case Escape::none:
      return no_escape;
    case Escape::html:
      return html_escape;
    case Escape::json:
      return json_escape;
  }
  return html_escape;
}

/// kainjow reports "<reason> at <offset>"; a person editing a template wants the line instead.
std::string with_line(const std::string& message, std::string_view tpl) {
  const auto at = message.rfind(" at ");
  if (at == std::string::npos || at + 4 == message.size()) return message;
  const std::string digits = message.substr(at + 4);
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return message;
  const std::size_t offset = std::min<std::size_t>(std::stoull(digits), tpl.size());
  const auto line =
      1 + std::count(tpl.begin(), tpl.begin() + static_cast<std::ptrdiff_t>(offset), '\n');
  return "line " + std::to_string(line) + ": " + message.substr(0, at);
}

}  // namespace

std::optional<std::string> check_template(std::string_view tpl) {
  try {
    mustache parsed{std::string(tpl)};
    if (parsed.is_valid()) return std::nullopt;
    return with_line(parsed.error_message(), tpl);
  } catch (const std::exception& e) {
    return std::string("cannot parse the template: ") + e.what();
  } catch (...) {
    return std::string("cannot parse the template");
  }
}

Rendered MustacheRenderer::render(std::string_view tpl, const Poco::JSON::Object& values,
                                  Escape escape) noexcept {
  Rendered out;
  try {
    mustache parsed{std::string(tpl)};
    if (!parsed.is_valid()) {
      out.error = with_line(parsed.error_message(), tpl);
      return out;
    }
    parsed.set_custom_escape(escaper_for(escape));
    const data root = to_mustache_data(values);
    ValuesOnlyContext context(&root);
    std::ostringstream text;
    parsed.render(context, text);
    if (!parsed.is_valid()) {
      out.error = parsed.error_message();
      return out;
    }
    out.text = std::move(text).str();
  } catch (const std::exception& e) {
    out.error = std::string("cannot render the template: ") + e.what();
  } catch (...) {
    out.error = "cannot render the template";
  }
  return out;
}

}  // namespace warden::host
