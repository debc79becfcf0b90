#include "host/plugins/help_markdown.hpp"

#include <sstream>

namespace warden::host {
namespace {

std::string trim_blank_lines(const std::string& text) {
  auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  first = text.rfind('\n', first);
  first = first == std::string::npos ? 0 : first + 1;
  auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

bool is_fence(std::string_view line) {
  auto start = line.find_first_not_of(' ');
  return start != std::string_view::npos && start < 4 &&
         (line.substr(start).starts_with("```") || line.substr(start).starts_with("~~~"));
}

}  // namespace

HelpDoc split_help(std::string_view markdown) {
  HelpDoc doc;
  std::string current_name;
  std::string current_text;
  bool in_section = false;
  bool in_fence = false;

  auto flush = [&] {
    if (in_section)
      doc.sections.emplace_back(current_name, trim_blank_lines(current_text));
    else
      doc.overview = trim_blank_lines(current_text);
    current_text.clear();
  };

  std::istringstream in{std::string(markdown)};
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (is_fence(line)) in_fence = !in_fence;
    if (!in_fence && line.starts_with("## ")) {
      flush();
      in_section = true;
      current_name = trim_blank_lines(line.substr(3));
      continue;
    }
    current_text += line;
    current_text += '\n';
  }
  flush();
  return doc;
}

}  // namespace warden::host
