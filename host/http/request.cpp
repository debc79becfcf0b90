#include "host/http/request.hpp"

#include "host/http/http_error.hpp"
#include "host/runtime/json_number.hpp"

#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cctype>
#include <istream>
#include <stdexcept>
#include <streambuf>

namespace warden::host::http {
namespace {

std::string percent_decode(std::string_view text, bool plus_as_space, std::string_view what) {
  std::string encoded(text);
  // Poco turns '+' into a space only after a '?', so a query's parts are handled here.
  if (plus_as_space) std::replace(encoded.begin(), encoded.end(), '+', ' ');
  std::string decoded;
  try {
    Poco::URI::decode(encoded, decoded);
  } catch (const Poco::Exception&) {
    throw HttpError(400, "malformed percent-encoding in the request " + std::string(what));
  }
  return decoded;
}

/// "at line L, column C" for the byte `offset` of `text`; columns count UTF-8 characters.
std::string place_of(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  std::size_t line = 1;
  std::size_t column = 1;
  for (std::size_t i = 0; i < offset; ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte == '\n') {
      ++line;
      column = 1;
    } else if ((byte & 0xC0) != 0x80) {
      ++column;
    }
  }
  return "at line " + std::to_string(line) + ", column " + std::to_string(column);
}

/// Reads from a string and remembers how far the reader got, which Poco's parse errors leave out.
class TrackingBuffer : public std::streambuf {
 public:
  explicit TrackingBuffer(std::string& text) {
    setg(text.data(), text.data(), text.data() + text.size());
  }
  std::size_t consumed() const { return static_cast<std::size_t>(gptr() - eback()); }
  bool ran_out() const { return ran_out_; }

 protected:
  int_type underflow() override {
    ran_out_ = true;
    return traits_type::eof();
  }

 private:
  bool ran_out_ = false;
};

/// Parses `text`, whose first `prefix` bytes were added around the body; throws HttpError 400 with
/// Poco's reason and the place in the body.
Poco::Dynamic::Var parse_json(std::string text, std::size_t prefix) {
  TrackingBuffer buffer(text);
  std::istream in(&buffer);
  try {
    Poco::JSON::Parser parser;
    return parser.parse(in);
  } catch (const Poco::Exception& e) {
    // The parser fails on the last byte it read, or past the end when the text ran out.
    const std::size_t consumed = buffer.consumed();
    std::size_t offset = buffer.ran_out() ? consumed : (consumed > 0 ? consumed - 1 : 0);
    offset = offset > prefix ? offset - prefix : 0;
    const std::string_view body(text.data() + prefix, text.size() - 2 * prefix);
    throw HttpError(
        400, "request body is not valid JSON: " + e.message() + " " + place_of(body, offset));
  }
}

}  // namespace

bool CaseInsensitiveLess::operator()(std::string_view a, std::string_view b) const {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) <
           std::tolower(static_cast<unsigned char>(y));
  });
}

const std::string& Request::param(std::string_view name) const {
  auto found = path_params.find(name);
  if (found == path_params.end()) {
    throw std::out_of_range("the route has no path parameter \"" + std::string(name) + "\"");
  }
  return found->second;
}

std::optional<std::string> Request::query(std::string_view name) const {
  for (const auto& [key, value] : query_params) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::optional<std::string> Request::header(std::string_view name) const {
  auto found = headers.find(name);
  if (found == headers.end()) return std::nullopt;
  return found->second;
}

Poco::JSON::Object::Ptr Request::json() const {
  const auto start = body.find_first_not_of(" \t\r\n");
  if (start == std::string::npos) {
    throw HttpError(400, "request body is not valid JSON: the body is empty");
  }
  if (const auto number = integer_beyond_64_bits(body)) {
    // Poco would read some of these wrapped (2^64 + 1 as 1): refuse them all before parsing.
    const auto digits = std::string_view(body).substr(number->offset, number->length);
    const auto shown =
        digits.size() > 40 ? std::string(digits.substr(0, 40)) + "…" : std::string(digits);
    throw HttpError(400, "request body is not valid JSON: the number " + shown +
                             " does not fit in 64 bits " + place_of(body, number->offset));
  }
  Poco::Dynamic::Var parsed;
  if (body[start] == '{' || body[start] == '[') {
    parsed = parse_json(body, 0);
  } else {
    // Poco parses only objects and arrays at the top level; wrapping tells a valid scalar (not an
    // object) from text that is not JSON at all.
    parse_json("[" + body + "]", 1);
  }
  if (parsed.type() != typeid(Poco::JSON::Object::Ptr)) {
    throw HttpError(400, "request body must be a JSON object");
  }
  return parsed.extract<Poco::JSON::Object::Ptr>();
}

void Request::set_target(std::string_view target) {
  if (target.empty() || target.front() != '/') {
    throw HttpError(400, "the request target must be a path starting with \"/\"");
  }
  const auto question = target.find('?');
  path = std::string(target.substr(0, question));
  query_params.clear();
  if (question == std::string_view::npos) return;

  std::string_view rest = target.substr(question + 1);
  const auto fragment = rest.find('#');
  if (fragment != std::string_view::npos) rest = rest.substr(0, fragment);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (pair.empty()) continue;
    const auto equals = pair.find('=');
    const std::string_view name = pair.substr(0, equals);
    const std::string_view value =
        equals == std::string_view::npos ? std::string_view{} : pair.substr(equals + 1);
    query_params.emplace_back(percent_decode(name, true, "query"),
                              percent_decode(value, true, "query"));
  }
}

std::vector<std::string> decoded_segments(std::string_view path) {
  std::vector<std::string> segments;
  if (path.empty() || path.front() != '/') return segments;
  path.remove_prefix(1);
  while (true) {
    const auto slash = path.find('/');
    segments.push_back(percent_decode(path.substr(0, slash), false, "path"));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

}  // namespace warden::host::http
