#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace warden::host {

/// What the renderer learns of a template before kainjow parses it: kainjow parses and renders
/// sections by recursion and copies each section's text, so a deep nest must be refused unread;
/// and the text a section adds each time it is rendered bounds the output before it is made.
struct TemplateShape {
  /// Set when sections nest deeper than allowed: the offset of the first section too deep.
  std::optional<std::size_t> too_deep_at;
  /// Bytes of text outside every section (rendered once).
  std::size_t root_text = 0;
  /// For each section name, the most text directly inside one section of that name (not inside
  /// the sections nested in it): what one rendering of its body adds besides its tags' values.
  std::unordered_map<std::string, std::size_t> section_text;
  /// The names inserted unescaped (`{{{name}}}`, `{{&name}}`): no escape function sees them.
  std::unordered_set<std::string> unescaped;

  std::size_t text_of(const std::string& section) const {
    const auto it = section_text.find(section);
    return it == section_text.end() ? 0 : it->second;
  }
};

/// Reads `tpl`'s tags as kainjow does (set-delimiter tags included) and measures it. Stops at the
/// first section deeper than `max_depth`; a malformed tag ends the reading (kainjow reports it).
TemplateShape scan_template(std::string_view tpl, std::size_t max_depth);

}  // namespace warden::host
