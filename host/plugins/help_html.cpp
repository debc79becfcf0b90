#include "host/plugins/help_html.hpp"

#include <md4c.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <new>
#include <vector>

namespace warden::host {
namespace {

// Deeper elements keep their text but lose their tags: a quote 10,000 levels deep is harmless to
// the host, not to every browser that lays it out.
constexpr std::size_t kMaxOpenElements = 32;

void append_escaped(std::string& out, std::string_view text) {
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

/// Decodes one entity md4c recognised (`&#106;`, `&#x6A;`, `&amp;`). A name outside the few that
/// matter in a URL stays as its literal text: it is escaped on output, so the browser reads exactly
/// what was checked.
void append_decoded_entity(std::string& out, std::string_view entity) {
  if (entity.size() >= 4 && entity[1] == '#') {
    const bool hex = entity[2] == 'x' || entity[2] == 'X';
    std::uint32_t cp = 0;
    for (std::size_t i = hex ? 3 : 2; i + 1 < entity.size(); ++i) {
      const char c = entity[i];
      std::uint32_t digit = 0;
      if (c >= '0' && c <= '9')
        digit = static_cast<std::uint32_t>(c - '0');
      else if (hex && c >= 'a' && c <= 'f')
        digit = static_cast<std::uint32_t>(c - 'a' + 10);
      else if (hex && c >= 'A' && c <= 'F')
        digit = static_cast<std::uint32_t>(c - 'A' + 10);
      cp = std::min<std::uint32_t>(cp * (hex ? 16 : 10) + digit, 0x110000);
    }
    append_utf8(out, cp);
    return;
  }
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 9> kNamed = {{
      {"&amp;", "&"},
      {"&lt;", "<"},
      {"&gt;", ">"},
      {"&quot;", "\""},
      {"&apos;", "'"},
      {"&colon;", ":"},
      {"&sol;", "/"},
      {"&Tab;", "\t"},
      {"&NewLine;", "\n"},
  }};
  for (const auto& [name, text] : kNamed) {
    if (entity == name) {
      out += text;
      return;
    }
  }
  out += entity;
}

/// An attribute's text with its entities decoded.
std::string decoded(const MD_ATTRIBUTE& attribute) {
  std::string out;
  if (!attribute.text) return out;
  for (unsigned i = 0; attribute.substr_offsets[i] < attribute.size; ++i) {
    const auto begin = attribute.substr_offsets[i];
    const auto end = attribute.substr_offsets[i + 1];
    const std::string_view part(attribute.text + begin, end - begin);
    switch (attribute.substr_types[i]) {
      case MD_TEXT_ENTITY:
        append_decoded_entity(out, part);
        break;
      case MD_TEXT_NULLCHAR:
        append_utf8(out, 0xFFFD);
        break;
      default:
        out += part;
    }
  }
  return out;
}

/// An entity in running text: shown as written when it is one (the browser decodes it), escaped
/// otherwise.
void append_text_entity(std::string& out, std::string_view entity) {
  const bool well_formed = entity.size() >= 3 && entity.front() == '&' && entity.back() == ';' &&
                           std::all_of(entity.begin() + 1, entity.end() - 1, [](char c) {
                             return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                    (c >= '0' && c <= '9') || c == '#';
                           });
  if (well_formed)
    out += entity;
  else
    append_escaped(out, entity);
}

bool is_plain_word(std::string_view text) {
  return !text.empty() && text.size() <= 32 && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '+';
  });
}

class HtmlWriter {
 public:
  std::string take() { return std::move(out_); }

  void enter_block(MD_BLOCKTYPE type, void* detail) {
    switch (type) {
      case MD_BLOCK_DOC:
        return skip();
      case MD_BLOCK_QUOTE:
        return open("<blockquote>\n");
      case MD_BLOCK_UL:
        return open("<ul>\n");
      case MD_BLOCK_OL: {
        const auto start = static_cast<MD_BLOCK_OL_DETAIL*>(detail)->start;
        return open(start == 1 ? std::string("<ol>\n")
                               : "<ol start=\"" + std::to_string(start) + "\">\n");
      }
      case MD_BLOCK_LI: {
        const auto* li = static_cast<MD_BLOCK_LI_DETAIL*>(detail);
        if (!li->is_task) return open("<li>");
        return open(li->task_mark == ' ' ? "<li><input type=\"checkbox\" disabled> "
                                         : "<li><input type=\"checkbox\" checked disabled> ");
      }
      case MD_BLOCK_HR:
        return open("<hr>\n");
      case MD_BLOCK_H:
        return open("<h" + std::to_string(static_cast<MD_BLOCK_H_DETAIL*>(detail)->level) + ">");
      case MD_BLOCK_CODE: {
        const auto lang = decoded(static_cast<MD_BLOCK_CODE_DETAIL*>(detail)->lang);
        return open(is_plain_word(lang) ? "<pre><code class=\"language-" + lang + "\">"
                                        : std::string("<pre><code>"));
      }
      case MD_BLOCK_P:
        return open("<p>");
      case MD_BLOCK_TABLE:
        return open("<table>\n");
      case MD_BLOCK_THEAD:
        return open("<thead>\n");
      case MD_BLOCK_TBODY:
        return open("<tbody>\n");
      case MD_BLOCK_TR:
        return open("<tr>");
      case MD_BLOCK_TH:
      case MD_BLOCK_TD:
        return open(cell_tag(type, static_cast<MD_BLOCK_TD_DETAIL*>(detail)->align));
      case MD_BLOCK_HTML:  // not with MD_FLAG_NOHTML; shown as text if it ever comes
        return skip();
    }
    skip();
  }

  void leave_block(MD_BLOCKTYPE type, void* detail) {
    switch (type) {
      case MD_BLOCK_QUOTE:
        return close("</blockquote>\n");
      case MD_BLOCK_UL:
        return close("</ul>\n");
      case MD_BLOCK_OL:
        return close("</ol>\n");
      case MD_BLOCK_LI:
        return close("</li>\n");
      case MD_BLOCK_HR:
        return close("");
      case MD_BLOCK_H:
        return close("</h" + std::to_string(static_cast<MD_BLOCK_H_DETAIL*>(detail)->level) +
                     ">\n");
      case MD_BLOCK_CODE:
        return close("</code></pre>\n");
      case MD_BLOCK_P:
        return close("</p>\n");
      case MD_BLOCK_TABLE:
        return close("</table>\n");
      case MD_BLOCK_THEAD:
        return close("</thead>\n");
      case MD_BLOCK_TBODY:
        return close("</tbody>\n");
      case MD_BLOCK_TR:
        return close("</tr>\n");
      case MD_BLOCK_TH:
        return close("</th>");
      case MD_BLOCK_TD:
        return close("</td>");
      default:
        return close("");
    }
  }

  void enter_span(MD_SPANTYPE type, void* detail) {
    if (type == MD_SPAN_IMG) {
      ++in_image_;
      return skip();
    }
    if (in_image_) return skip();  // an image's alt text is plain text
    switch (type) {
      case MD_SPAN_EM:
        return open("<em>");
      case MD_SPAN_STRONG:
        return open("<strong>");
      case MD_SPAN_CODE:
        return open("<code>");
      case MD_SPAN_DEL:
        return open("<del>");
      case MD_SPAN_A:
        return open_link(*static_cast<MD_SPAN_A_DETAIL*>(detail));
      default:
        return skip();
    }
  }

  void leave_span(MD_SPANTYPE type) {
    if (type == MD_SPAN_IMG) --in_image_;
    close_span(span_end_tag(type));
  }

  void text(MD_TEXTTYPE type, std::string_view text) {
    switch (type) {
      case MD_TEXT_NULLCHAR:
        return append_utf8(out_, 0xFFFD);
      case MD_TEXT_BR:
        out_ += in_image_ ? " " : "<br>\n";
        return;
      case MD_TEXT_SOFTBR:
        out_ += in_image_ ? " " : "\n";
        return;
      case MD_TEXT_ENTITY:
        return append_text_entity(out_, text);
      default:  // normal text, code, and raw HTML or math should they ever be reported
        return append_escaped(out_, text);
    }
  }

 private:
  static const char* span_end_tag(MD_SPANTYPE type) {
    switch (type) {
      case MD_SPAN_EM:
        return "</em>";
      case MD_SPAN_STRONG:
        return "</strong>";
      case MD_SPAN_CODE:
        return "</code>";
      case MD_SPAN_DEL:
        return "</del>";
      case MD_SPAN_A:
        return "</a>";
      default:
        return "";
    }
  }

  static std::string cell_tag(MD_BLOCKTYPE type, MD_ALIGN align) {
    std::string tag = type == MD_BLOCK_TH ? "<th" : "<td";
    if (align == MD_ALIGN_LEFT) tag += " align=\"left\"";
    if (align == MD_ALIGN_CENTER) tag += " align=\"center\"";
    if (align == MD_ALIGN_RIGHT) tag += " align=\"right\"";
    return tag + ">";
  }

  void open_link(const MD_SPAN_A_DETAIL& link) {
    const auto href = decoded(link.href);
    if (!is_safe_link_target(href)) return skip();
    std::string tag = "<a href=\"";
    append_escaped(tag, href);
    tag += '"';
    if (link.title.size > 0) {
      tag += " title=\"";
      append_escaped(tag, decoded(link.title));
      tag += '"';
    }
    tag += " rel=\"noopener noreferrer\">";
    open(tag);
  }

  // Every enter pushes whether its tag was written, so its leave closes exactly what was opened.
  void open(const std::string& tag) {
    const bool written = open_elements_ < kMaxOpenElements;
    if (written) {
      out_ += tag;
      ++open_elements_;
    }
    written_.push_back(written);
  }
  void skip() { written_.push_back(false); }
  /// Closes a block; one written without tags still ends its words.
  void close(const std::string& tag) {
    if (!close_span(tag) && !out_.empty() && out_.back() != '\n') out_ += '\n';
  }
  /// Closes what the last enter opened; false when it wrote no tag.
  bool close_span(const std::string& tag) {
    if (written_.empty()) return false;
    const bool written = written_.back();
    written_.pop_back();
    if (!written) return false;
    out_ += tag;
    --open_elements_;
    return true;
  }

  std::string out_;
  std::vector<bool> written_;
  std::size_t open_elements_ = 0;
  int in_image_ = 0;
};

HtmlWriter& writer(void* userdata) {
  return *static_cast<HtmlWriter*>(userdata);
}

/// Runs one callback for md4c, which is C: nothing may unwind through it, so a failure (only
/// std::bad_alloc can happen) stops the parse instead.
template <class Call>
int guarded(Call&& call) noexcept {
  try {
    call();
    return 0;
  } catch (...) {
    return -1;
  }
}

}  // namespace

bool is_safe_link_target(std::string_view target) {
  if (std::any_of(target.begin(), target.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; }))
    return false;
  while (!target.empty() && target.front() == ' ') target.remove_prefix(1);
  const auto end = target.find_first_of(":/?#");
  if (end == std::string_view::npos || target[end] != ':') return true;  // relative: no scheme
  std::string scheme(target.substr(0, end));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return scheme == "http" || scheme == "https" || scheme == "mailto";
}

std::string help_html(std::string_view markdown) {
  MD_PARSER parser{};
  parser.abi_version = 0;
  parser.flags = MD_DIALECT_GITHUB | MD_FLAG_NOHTML;
  parser.enter_block = [](MD_BLOCKTYPE type, void* detail, void* userdata) {
    return guarded([&] { writer(userdata).enter_block(type, detail); });
  };
  parser.leave_block = [](MD_BLOCKTYPE type, void* detail, void* userdata) {
    return guarded([&] { writer(userdata).leave_block(type, detail); });
  };
  parser.enter_span = [](MD_SPANTYPE type, void* detail, void* userdata) {
    return guarded([&] { writer(userdata).enter_span(type, detail); });
  };
  parser.leave_span = [](MD_SPANTYPE type, void*, void* userdata) {
    return guarded([&] { writer(userdata).leave_span(type); });
  };
  parser.text = [](MD_TEXTTYPE type, const MD_CHAR* text, MD_SIZE size, void* userdata) {
    return guarded([&] { writer(userdata).text(type, std::string_view(text, size)); });
  };
  HtmlWriter html;
  // Manifests and help files are at most 1 MiB; the clamp only keeps the cast honest.
  const auto size = std::min<std::size_t>(markdown.size(), std::numeric_limits<MD_SIZE>::max());
  if (md_parse(markdown.data(), static_cast<MD_SIZE>(size), &parser, &html) != 0)
    throw std::bad_alloc();  // md4c gives up only when memory runs out
  return html.take();
}

}  // namespace warden::host
