#pragma once

#include <warden/text.hpp>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace warden {

/// The host's `mobile` rule: a Chinese mobile (11 digits starting with 1, optionally after +86)
/// or an E.164 number.
inline bool is_mobile(std::string_view text) {
  const auto all_digits = [](std::string_view s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
  };
  if (text.size() >= 9 && text.size() <= 16 && text.front() == '+' && text[1] != '0' &&
      all_digits(text.substr(1)))
    return true;
  if (text.starts_with("+86")) {
    text.remove_prefix(3);
    if (!text.empty() && (text.front() == ' ' || text.front() == '-')) text.remove_prefix(1);
  }
  return text.size() == 11 && text.front() == '1' && all_digits(text);
}

/// Mobiles separated by commas, semicolons or line breaks (a `contacts` field). Throws
/// std::invalid_argument naming `field` and the first entry that is not a mobile.
inline std::vector<std::string> parse_mobiles(const std::string& text, const std::string& field) {
  std::vector<std::string> mobiles;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find_first_of(",;\n", start), text.size());
    const std::string mobile = trimmed(std::string_view(text).substr(start, end - start));
    start = end + 1;
    if (mobile.empty()) continue;
    if (!is_mobile(mobile))
      throw std::invalid_argument(field + ": \"" + mobile + "\" is not a mobile phone number");
    mobiles.push_back(mobile);
  }
  return mobiles;
}

/// Appends `item` unless `list` already has it.
inline void add_unique(std::vector<std::string>& list, const std::string& item) {
  if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

}  // namespace warden
