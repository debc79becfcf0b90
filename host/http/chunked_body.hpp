#pragma once

#include <cstddef>
#include <istream>
#include <string>

namespace warden::host::http {

/// Reads a chunked request body (RFC 9112 §7.1) strictly, where Poco 1.11's reader is lenient (it
/// reads a chunk size of `zz` as the end of an empty body, and does not check the line ends):
/// each chunk size is hex digits, optionally followed by `;` extensions (ignored), then CRLF; each
/// chunk's data ends with CRLF; the last chunk (size 0) may be followed by trailer fields (skipped)
/// and ends with an empty line. `in` is the connection's raw stream, left just after the body.
/// Throws HttpError 400 for anything else (the stream ending early included) and 413 as soon as a
/// chunk size would take the body past `limit` bytes.
std::string read_chunked_body(std::istream& in, std::size_t limit);

}  // namespace warden::host::http
