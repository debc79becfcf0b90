#pragma once

// The rules for whom a channel reaches: e-mail addresses, mobile numbers, host names. The host's
// `email` and `mobile` validators and the bundled channels all use these, so a value the API
// accepted is one the channel accepts.
#include <warden/text.hpp>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace warden {

namespace detail {

inline bool is_ascii_digit(char c) {
  return c >= '0' && c <= '9';
}
inline bool is_ascii_alnum(char c) {
  return is_ascii_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
inline bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_ascii_digit);
}

/// An RFC 1123 label, also allowing `_` inside: container service names such as
/// `flink_jobmanager` are real host names on their networks.
inline bool is_host_label(std::string_view label) {
  return !label.empty() && label.size() <= 63 && label.front() != '-' && label.back() != '-' &&
         std::all_of(label.begin(), label.end(),
                     [](char c) { return is_ascii_alnum(c) || c == '-' || c == '_'; });
}

/// RFC 5322's dot-atom: atext characters, dots only between them.
inline bool is_email_local_part(std::string_view local) {
  const auto is_atext = [](char c) {
    return is_ascii_alnum(c) ||
           std::string_view("!#$%&'*+/=?^_`{|}~-").find(c) != std::string_view::npos;
  };
  return !local.empty() && local.size() <= 64 && local.front() != '.' && local.back() != '.' &&
         local.find("..") == local.npos &&
         std::all_of(local.begin(), local.end(), [&](char c) { return c == '.' || is_atext(c); });
}

/// Entries separated by commas, semicolons or line breaks, trimmed, empty ones and repeats
/// dropped. Throws std::invalid_argument naming `field` and the first entry `valid` refuses.
template <class Rule>
std::vector<std::string> parse_contact_list(const std::string& text, const std::string& field,
                                            Rule valid, const char* what) {
  std::vector<std::string> entries;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find_first_of(",;\n", start), text.size());
    std::string entry = trimmed(std::string_view(text).substr(start, end - start));
    start = end + 1;
    if (entry.empty()) continue;
    if (!valid(entry))
      throw std::invalid_argument(field + ": \"" + truncated(entry, 100) + "\" is not " + what);
    if (std::find(entries.begin(), entries.end(), entry) == entries.end())
      entries.push_back(std::move(entry));
  }
  return entries;
}

}  // namespace detail

/// A host name: dot-separated labels of letters, digits, `-` (not first or last) and `_`, at
/// most 253 characters. Dotted digits are an IPv4 address or nothing: "999.1.1.1" is not a name.
inline bool is_host_name(std::string_view text) {
  if (text.empty() || text.size() > 253) return false;
  if (std::all_of(text.begin(), text.end(),
                  [](char c) { return detail::is_ascii_digit(c) || c == '.'; }))
    return false;
  while (true) {
    const std::size_t dot = text.find('.');
    if (!detail::is_host_label(text.substr(0, dot))) return false;
    if (dot == std::string_view::npos) return true;
    text.remove_prefix(dot + 1);
  }
}

/// The host's `email` rule: a plain `local@domain.tld` (no display name, no quoted local part),
/// at most 254 characters, the domain a host name with at least one dot. Safe on an SMTP line.
inline bool is_email_address(std::string_view text) {
  const std::size_t at = text.rfind('@');
  if (at == std::string_view::npos || text.size() > 254) return false;
  const std::string_view domain = text.substr(at + 1);
  return detail::is_email_local_part(text.substr(0, at)) && domain.find('.') != domain.npos &&
         is_host_name(domain);
}

/// The host's `mobile` rule: a Chinese mobile (11 digits starting with 1, optionally after +86
/// and a space or dash) or an E.164 number (+, then 8 to 15 digits, the first not 0).
inline bool is_mobile(std::string_view text) {
  if (text.size() >= 9 && text.size() <= 16 && text.front() == '+' && text[1] != '0' &&
      detail::all_digits(text.substr(1)))
    return true;
  if (text.starts_with("+86")) {
    text.remove_prefix(3);
    if (!text.empty() && (text.front() == ' ' || text.front() == '-')) text.remove_prefix(1);
  }
  return text.size() == 11 && text.front() == '1' && detail::all_digits(text);
}

/// Mobiles separated by commas, semicolons or line breaks (a `contacts` field), each once. Throws
/// std::invalid_argument naming `field` and the first entry that is not a mobile.
inline std::vector<std::string> parse_mobiles(const std::string& text, const std::string& field) {
  return detail::parse_contact_list(text, field, is_mobile, "a mobile phone number");
}

/// E-mail addresses separated by commas, semicolons or line breaks (a `to` field), each once.
/// Throws std::invalid_argument naming `field` and the first entry that is not an address.
inline std::vector<std::string> parse_email_addresses(const std::string& text,
                                                      const std::string& field) {
  return detail::parse_contact_list(text, field, is_email_address, "an email address");
}

/// Appends `item` unless `list` already has it.
inline void add_unique(std::vector<std::string>& list, const std::string& item) {
  if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

}  // namespace warden
