#pragma once
// What the fuzz targets share: reading libFuzzer's bytes as text, in parts.

#include "host/http/http_error.hpp"
#include "host/http/request.hpp"

#include <Poco/JSON/Object.h>

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

namespace warden::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// The text before the first NUL byte and the text after it (empty when there is none): one input
/// holding two texts, e.g. a template and its alert.
inline std::pair<std::string_view, std::string_view> split_at_nul(std::string_view text) {
  const auto nul = text.find('\0');
  if (nul == std::string_view::npos) return {text, {}};
  return {text.substr(0, nul), text.substr(nul + 1)};
}

/// `text` as a JSON object, read as every route reads its body (http::Request::json); null when it
/// is not one.
inline Poco::JSON::Object::Ptr json_object(std::string_view text) {
  host::http::Request request;
  request.body = std::string(text);
  try {
    return request.json();
  } catch (const host::http::HttpError&) {
    return nullptr;
  }
}

}  // namespace warden::fuzz
