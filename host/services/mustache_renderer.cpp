#include "host/services/mustache_renderer.hpp"

#include "host/services/json_string_escape.hpp"
#include "host/services/mustache_data.hpp"
#include "host/services/template_shape.hpp"

#include <kainjow/mustache.hpp>

#include <algorithm>
#include <exception>
#include <sstream>
#include <stdexcept>

namespace warden::host {
namespace {

using kainjow::mustache::data;
using kainjow::mustache::mustache;

using Clock = std::chrono::steady_clock;

/// A limit reached while rendering; its message is the render's error.
class OverLimit : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::string size_text(std::size_t bytes) {
  constexpr std::size_t kKiB = 1024, kMiB = 1024 * 1024;
  if (bytes >= kMiB && bytes % kMiB == 0) return std::to_string(bytes / kMiB) + " MiB";
  if (bytes >= kKiB && bytes % kKiB == 0) return std::to_string(bytes / kKiB) + " KiB";
  return std::to_string(bytes) + " bytes";
}

/// What one render may still spend: output bytes, charged before they are made (a one-line
/// template never reaches kainjow's render handler until it is whole), and time.
class RenderBudget {
 public:
  explicit RenderBudget(const TemplateLimits& limits)
      : limits_(limits), deadline_(Clock::now() + limits.max_render_time) {}

  void spend(std::size_t bytes) {
    spent_ += bytes;
    if (spent_ > limits_.max_output_bytes)
      throw OverLimit("renders more than " + size_text(limits_.max_output_bytes));
  }
  void check_time() const {
    if (Clock::now() > deadline_)
      throw OverLimit("takes longer than " + std::to_string(limits_.max_render_time.count()) +
                      " ms to render");
  }

 private:
  const TemplateLimits& limits_;
  Clock::time_point deadline_;
  std::size_t spent_ = 0;
};

/// The render context. Partials render nothing: kainjow looks a partial up among the data's
/// values, so `{{> message}}` would render an alert's message as a template, and one that names
/// itself would recurse until the stack overflows. Every lookup (each tag, each rendering of a
/// section) is where kainjow's work goes, so each checks the clock and charges what it will
/// output: an unescaped value's text (escaped ones pay as they are escaped), and a section's own
/// text once per rendering of its body.
class BudgetedContext : public kainjow::mustache::context<std::string> {
 public:
  BudgetedContext(const data* root, const TemplateShape& shape, RenderBudget& budget)
      : context(root), shape_(shape), budget_(budget) {}

  void push(const data* item) override {
    budget_.check_time();
    context::push(item);
  }
  const data* get(const std::string& name) const override {
    budget_.check_time();
    const data* value = context::get(name);
    std::size_t renderings = 1;  // an inverted section renders once for a missing value
    if (value && value->is_string() && shape_.unescaped.contains(name))
      budget_.spend(value->string_value().size());
    if (value && value->is_non_empty_list()) renderings = value->list_value().size();
    budget_.spend(renderings * shape_.text_of(name));
    return value;
  }
  const data* get_partial(const std::string&) const override { return nullptr; }

 private:
  const TemplateShape& shape_;
  RenderBudget& budget_;
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

/// kainjow escapes each value it inserts with `{{name}}` just before appending it: the budget pays
/// for the escaped text there.
mustache::escape_handler charged(mustache::escape_handler escape, RenderBudget& budget) {
  return [escape = std::move(escape), &budget](const std::string& text) {
    std::string escaped = escape(text);
    budget.spend(escaped.size());
    return escaped;
  };
}

std::string line_at(std::string_view tpl, std::size_t offset) {
  const auto end = tpl.begin() + static_cast<std::ptrdiff_t>(std::min(offset, tpl.size()));
  return "line " + std::to_string(1 + std::count(tpl.begin(), end, '\n'));
}

/// kainjow reports "<reason> at <offset>"; a person editing a template wants the line instead.
std::string with_line(const std::string& message, std::string_view tpl) {
  const auto at = message.rfind(" at ");
  if (at == std::string::npos || at + 4 == message.size()) return message;
  const std::string digits = message.substr(at + 4);
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return message;
  return line_at(tpl, std::stoull(digits)) + ": " + message.substr(0, at);
}

/// The limits kainjow must not meet unwarned: nesting (read without recursion, and first, as the
/// likelier attack), then size.
std::optional<std::string> shape_problem(std::string_view tpl, const TemplateLimits& limits,
                                         TemplateShape& shape) {
  shape = scan_template(tpl, limits.max_section_depth);
  if (shape.too_deep_at)
    return line_at(tpl, *shape.too_deep_at) + ": sections nested deeper than " +
           std::to_string(limits.max_section_depth);
  if (tpl.size() > limits.max_template_bytes)
    return "the template is longer than " + size_text(limits.max_template_bytes) + " (" +
           std::to_string(tpl.size()) + " bytes)";
  return std::nullopt;
}

}  // namespace

std::optional<std::string> check_template(std::string_view tpl, const TemplateLimits& limits) {
  try {
    TemplateShape shape;
    if (auto problem = shape_problem(tpl, limits, shape)) return problem;
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
    RenderBudget budget(limits_);
    TemplateShape shape;
    if (auto problem = shape_problem(tpl, limits_, shape)) {
      out.error = *problem;
      return out;
    }
    mustache parsed{std::string(tpl)};
    if (!parsed.is_valid()) {
      out.error = with_line(parsed.error_message(), tpl);
      return out;
    }
    parsed.set_custom_escape(charged(escaper_for(escape), budget));
    const data root = to_mustache_data(values);
    BudgetedContext context(&root, shape, budget);
    budget.spend(shape.root_text);
    std::ostringstream text;
    parsed.render(context, text);
    if (!parsed.is_valid()) {
      out.error = parsed.error_message();
      return out;
    }
    out.text = std::move(text).str();
  } catch (const OverLimit& e) {
    out.error = e.what();
  } catch (const std::exception& e) {
    out.error = std::string("cannot render the template: ") + e.what();
  } catch (...) {
    out.error = "cannot render the template";
  }
  return out;
}

}  // namespace warden::host
