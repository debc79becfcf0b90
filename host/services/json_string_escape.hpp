#pragma once

#include <string>
#include <string_view>

namespace warden::host {

/// Escapes `text` for use inside a JSON string literal (without the surrounding quotes): `"` and
/// `\` get a backslash, a newline becomes `\n`, every other control character `\u00XX`. Other
/// bytes, UTF-8 sequences included, pass unchanged.
std::string json_string_escape(std::string_view text);

}  // namespace warden::host
