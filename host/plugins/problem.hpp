#pragma once

#include <string>
#include <vector>

namespace warden::host {

/// One thing wrong with a plugin folder, with its place: `dingtalk/manifest.json:
/// fields.webhookUrl.validate[1]: unknown validator "uri"`.
struct Problem {
  std::string file;  ///< relative to the plugins directory, e.g. "dingtalk/manifest.json"
  std::string path;  ///< inside the file, e.g. "fields.token.validate[1]"; empty for the whole file
  std::string message;

  std::string to_string() const {
    std::string out = file;
    if (!path.empty()) out += ": " + path;
    return out + ": " + message;
  }
};

using Problems = std::vector<Problem>;

}  // namespace warden::host
