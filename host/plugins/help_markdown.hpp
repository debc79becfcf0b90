#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace warden::host {

/// help.md split as SPEC §2 says: text before the first `## ` heading is the overview; each
/// `## <name>` section (up to the next `## `) is that name's help. Headings inside fenced code
/// blocks do not count. Section texts are trimmed of surrounding blank lines.
struct HelpDoc {
  std::string overview;
  std::vector<std::pair<std::string, std::string>> sections;  ///< in document order
};

HelpDoc split_help(std::string_view markdown);

}  // namespace warden::host
