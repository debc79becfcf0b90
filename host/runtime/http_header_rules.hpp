#pragma once

#include <algorithm>
#include <array>
#include <string_view>

namespace warden::host {

/// RFC 9110 token characters: what a method or a header name may be made of.
inline bool is_http_token(std::string_view text) {
  constexpr std::string_view kSymbols = "!#$%&'*+-.^_`|~";
  return !text.empty() && std::all_of(text.begin(), text.end(), [&](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           kSymbols.find(c) != std::string_view::npos;
  });
}

/// RFC 9110 field value: no control character but a tab (a CR, LF or NUL would end the header, or
/// the request, early and let the value add its own).
inline bool is_http_header_value(std::string_view text) {
  return std::none_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return (byte < 0x20 && c != '\t') || byte == 0x7f;
  });
}

/// The headers that frame a request or its connection. The HTTP client sets them itself; one set
/// by a plugin or a configuration as well would contradict them (a request went out with both
/// Content-Length and chunked), so they are refused.
inline constexpr std::array<std::string_view, 6> kFramingHeaders = {
    "Host", "Content-Length", "Transfer-Encoding", "Connection", "TE", "Upgrade"};

inline bool is_framing_header(std::string_view name) {
  const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
  return std::any_of(kFramingHeaders.begin(), kFramingHeaders.end(), [&](std::string_view known) {
    return known.size() == name.size() &&
           std::equal(known.begin(), known.end(), name.begin(),
                      [&](char a, char b) { return lower(a) == lower(b); });
  });
}

}  // namespace warden::host
