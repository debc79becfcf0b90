#include "host/services/template_shape.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace warden::host {
namespace {

bool is_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

struct Delimiters {
  std::string begin = "{{";
  std::string end = "}}";
  bool are_braces() const { return begin == "{{" && end == "}}"; }
};

bool is_delimiter(std::string_view text) {
  return std::none_of(text.begin(), text.end(), [](char c) { return c == '=' || is_space(c); });
}

/// `=<% %>=` as kainjow reads it; false (and `delimiters` unchanged) when kainjow refuses it.
bool set_delimiters(std::string_view contents, Delimiters& delimiters) {
  if (contents.size() < 5 || contents.back() != '=') return false;
  const std::string_view inner = trimmed(contents.substr(1, contents.size() - 2));
  const std::size_t space = inner.find(' ');
  if (space == std::string_view::npos) return false;
  const std::size_t second = inner.find_first_not_of(' ', space + 1);
  if (second == std::string_view::npos) return false;
  const std::string_view begin = inner.substr(0, space);
  const std::string_view end = inner.substr(second);
  if (!is_delimiter(begin) || !is_delimiter(end)) return false;
  delimiters.begin = std::string(begin);
  delimiters.end = std::string(end);
  return true;
}

/// One tag, found as kainjow finds it.
struct Tag {
  std::size_t start = 0;      ///< offset of the opening delimiter
  std::size_t next = 0;       ///< offset just past the closing delimiter
  bool triple = false;        ///< `{{{name}}}`
  std::string_view contents;  ///< trimmed
};

std::optional<Tag> next_tag(std::string_view tpl, std::size_t from, const Delimiters& delimiters) {
  Tag tag;
  tag.start = tpl.find(delimiters.begin, from);
  if (tag.start == std::string_view::npos) return std::nullopt;
  std::size_t contents = tag.start + delimiters.begin.size();
  tag.triple = delimiters.are_braces() && contents < tpl.size() && tpl[contents] == '{';
  if (tag.triple) ++contents;
  const std::string_view end = tag.triple ? std::string_view("}}}") : delimiters.end;
  const std::size_t end_at = tpl.find(end, contents);
  if (end_at == std::string_view::npos) return std::nullopt;
  tag.contents = trimmed(tpl.substr(contents, end_at - contents));
  tag.next = end_at + end.size();
  return tag;
}

struct OpenSection {
  std::string name;
  std::size_t text = 0;
};

}  // namespace

TemplateShape scan_template(std::string_view tpl, std::size_t max_depth) {
  TemplateShape shape;
  Delimiters delimiters;
  std::vector<OpenSection> open;
  const auto add_text = [&](std::size_t bytes) {
    (open.empty() ? shape.root_text : open.back().text) += bytes;
  };
  std::size_t at = 0;
  while (at < tpl.size()) {
    const auto tag = next_tag(tpl, at, delimiters);
    if (!tag) {  // the rest is text, or an unclosed tag kainjow will name
      add_text(tpl.size() - at);
      break;
    }
    add_text(tag->start - at);
    at = tag->next;
    const std::string_view contents = tag->contents;
    if (!contents.empty() && contents.front() == '=') {
      if (!set_delimiters(contents, delimiters)) break;
      continue;
    }
    if (tag->triple) {
      shape.unescaped.emplace(contents);
    } else if (contents.empty()) {
      continue;
    } else if (contents.front() == '&') {
      shape.unescaped.emplace(trimmed(contents.substr(1)));
    } else if (contents.front() == '#' || contents.front() == '^') {
      if (open.size() >= max_depth) {
        shape.too_deep_at = tag->start;
        break;
      }
      open.push_back({std::string(trimmed(contents.substr(1))), 0});
    } else if (contents.front() == '/') {
      if (open.empty()) break;  // kainjow names the unopened section
      auto& most = shape.section_text[open.back().name];
      most = std::max(most, open.back().text);
      open.pop_back();
    }
  }
  return shape;
}

}  // namespace warden::host
