#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace warden {

/// `s` without leading and trailing spaces, tabs and line breaks.
inline std::string trimmed(std::string_view s) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

/// `s` with ASCII letters in lower case (header names, media types, vendor status words).
inline std::string lowercase(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

/// At most `max` bytes of `text`, not splitting a UTF-8 sequence.
inline std::string truncated(const std::string& text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

/// `text` with every occurrence of each non-empty secret replaced by `******`: for a vendor's
/// answer that echoes a token back, before it reaches a log or a delivery's detail.
inline std::string masked(std::string text, const std::vector<std::string>& secrets) {
  constexpr std::string_view kMask = "******";
  for (const auto& secret : secrets) {
    if (secret.empty()) continue;
    for (auto at = text.find(secret); at != std::string::npos;
         at = text.find(secret, at + kMask.size()))  // past the mask: a secret may be "*"
      text.replace(at, secret.size(), kMask);
  }
  return text;
}

}  // namespace warden
