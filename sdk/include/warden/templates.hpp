#pragma once

#include <Poco/JSON/Object.h>

#include <string>
#include <string_view>

namespace warden {

/// How values are escaped when a template inserts them with `{{name}}` (`{{{name}}}` never
/// escapes).
enum class Escape { none, html, json };

struct Rendered {
  std::string text;
  /// "line N: reason" when the template is malformed, or why the host refused to finish it: it is
  /// over 128 KiB, nests sections deeper than 32, renders more than 1 MiB or takes over 1 s.
  std::string error;
  bool ok() const { return error.empty(); }
};

/// The host's Mustache renderer. Objects and arrays in `data` are sections; never throws.
class TemplateRenderer {
 public:
  virtual ~TemplateRenderer() = default;
  virtual Rendered render(std::string_view tpl, const Poco::JSON::Object& data,
                          Escape escape) noexcept = 0;
};

}  // namespace warden
