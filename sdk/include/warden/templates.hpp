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
  std::string error;  ///< "line N: reason" when the template is malformed
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
