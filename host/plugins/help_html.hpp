#pragma once

#include <string>
#include <string_view>

namespace warden::host {

/// A plugin's help Markdown (GitHub's dialect, without raw HTML) as HTML a console may insert into
/// its page as it is. Every text is escaped; raw HTML shows as text; images are dropped and their
/// alt text stays as plain text; a link keeps its target only when it is http:, https:, mailto: or
/// relative (no scheme), and then opens with rel="noopener noreferrer" — any other link
/// (javascript:, data:, …, however spelled or entity-encoded) is its text alone. Elements nested
/// deeper than a fixed limit lose their tags but keep their text. Time and output are linear in the
/// input.
std::string help_html(std::string_view markdown);

/// True when a link target (entities already decoded) may be an href: no control characters, and
/// a scheme of http, https or mailto (any case) or none at all.
bool is_safe_link_target(std::string_view target);

}  // namespace warden::host
