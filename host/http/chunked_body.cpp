#include "host/http/chunked_body.hpp"

#include "host/http/http_error.hpp"

#include <algorithm>
#include <string_view>

namespace warden::host::http {
namespace {

// A chunk-size line with its extensions, or one trailer field.
constexpr std::size_t kMaxLineBytes = 8 * 1024;
constexpr int kMaxTrailerFields = 64;

[[noreturn]] void malformed(const std::string& what) {
  throw HttpError(400, "malformed chunked request body: " + what);
}

[[noreturn]] void too_large(std::size_t limit) {
  throw HttpError(413, "request body too large: limit is " + std::to_string(limit) + " bytes");
}

int next_byte(std::istream& in) {
  const int ch = in.get();
  if (ch == std::istream::traits_type::eof()) malformed("it ended early");
  return ch;
}

/// One line ended by CRLF, without it.
std::string read_line(std::istream& in) {
  std::string line;
  for (int ch = next_byte(in); ch != '\r'; ch = next_byte(in)) {
    if (ch == '\n') malformed("a line must end with CRLF");
    if (line.size() == kMaxLineBytes) malformed("a line is longer than 8 KiB");
    line.push_back(static_cast<char>(ch));
  }
  if (next_byte(in) != '\n') malformed("a line must end with CRLF");
  return line;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::size_t chunk_size(const std::string& line, std::size_t limit) {
  std::string_view digits(line);
  if (const auto extensions = digits.find(';'); extensions != std::string_view::npos) {
    digits = digits.substr(0, extensions);
    while (!digits.empty() && (digits.back() == ' ' || digits.back() == '\t')) {
      digits.remove_suffix(1);  // whitespace before `;` is allowed
    }
  }
  const auto shown = "\"" + line.substr(0, std::min<std::size_t>(line.size(), 20)) + "\"";
  if (digits.empty()) malformed("invalid chunk size " + shown);
  std::size_t size = 0;
  for (const char c : digits) {
    const int value = hex_value(c);
    if (value < 0) malformed("invalid chunk size " + shown);
    if (size > limit / 16) too_large(limit);
    size = size * 16 + static_cast<std::size_t>(value);
    if (size > limit) too_large(limit);
  }
  return size;
}

}  // namespace

std::string read_chunked_body(std::istream& in, std::size_t limit) {
  std::string body;
  for (auto size = chunk_size(read_line(in), limit); size != 0;
       size = chunk_size(read_line(in), limit)) {
    if (size > limit - body.size()) too_large(limit);
    const auto start = body.size();
    body.resize(start + size);
    in.read(body.data() + start, static_cast<std::streamsize>(size));
    if (static_cast<std::size_t>(in.gcount()) != size) malformed("it ended early");
    if (!read_line(in).empty()) malformed("a chunk is longer than its size");
  }
  for (int field = 0; !read_line(in).empty(); ++field) {
    if (field == kMaxTrailerFields) malformed("too many trailer fields");
  }
  return body;
}

}  // namespace warden::host::http
