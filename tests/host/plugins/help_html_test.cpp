#include "host/plugins/help_html.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace warden::host {
namespace {

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

std::size_t count(const std::string& text, std::string_view part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// A hostile link keeps its text and loses its target.
void expect_no_link(std::string_view markdown) {
  const auto html = help_html(markdown);
  EXPECT_FALSE(contains(html, "<a")) << markdown << " -> " << html;
  EXPECT_FALSE(contains(html, "href")) << markdown << " -> " << html;
}

TEST(HelpHtml, RendersTheUsualMarkdown) {
  EXPECT_EQ(help_html("# Title\n\nSome *em*, **strong**, ~~gone~~ and `a<b`.\n"),
            "<h1>Title</h1>\n<p>Some <em>em</em>, <strong>strong</strong>, <del>gone</del> and "
            "<code>a&lt;b</code>.</p>\n");
  EXPECT_EQ(help_html("* a\n* b\n"), "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n");
  EXPECT_EQ(help_html("3. x\n4. y\n"), "<ol start=\"3\">\n<li>x</li>\n<li>y</li>\n</ol>\n");
  EXPECT_EQ(help_html("> quoted\n\n---\n"), "<blockquote>\n<p>quoted</p>\n</blockquote>\n<hr>\n");
  EXPECT_EQ(help_html("```sh\nx < y && z\n```\n"),
            "<pre><code class=\"language-sh\">x &lt; y &amp;&amp; z\n</code></pre>\n");
  EXPECT_EQ(help_html("    indented\n"), "<pre><code>indented\n</code></pre>\n");
  EXPECT_EQ(help_html("line  \nbreak\nsoft"), "<p>line<br>\nbreak\nsoft</p>\n");
  EXPECT_EQ(help_html("- [x] done\n- [ ] todo\n"),
            "<ul>\n<li><input type=\"checkbox\" checked disabled> done</li>\n"
            "<li><input type=\"checkbox\" disabled> todo</li>\n</ul>\n");
}

TEST(HelpHtml, RendersTables) {
  EXPECT_EQ(help_html("| a | b |\n|:--|--:|\n| `c` | **d** |\n"),
            "<table>\n<thead>\n<tr><th align=\"left\">a</th><th align=\"right\">b</th></tr>\n"
            "</thead>\n<tbody>\n<tr><td align=\"left\"><code>c</code></td><td "
            "align=\"right\"><strong>d</strong></td></tr>\n</tbody>\n</table>\n");
}

TEST(HelpHtml, EscapesEveryText) {
  EXPECT_EQ(help_html("a & b < c > d \" e ' f"),
            "<p>a &amp; b &lt; c &gt; d &quot; e &#39; f</p>\n");
  EXPECT_EQ(help_html("&copy; &#169; &bogus;"), "<p>&copy; &#169; &bogus;</p>\n");
  EXPECT_EQ(help_html(std::string_view("a\0b", 3)),
            "<p>a\xEF\xBF\xBD"
            "b</p>\n");
}

TEST(HelpHtml, RawHtmlIsText) {
  EXPECT_EQ(help_html("<script>alert(1)</script>"),
            "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n");
  EXPECT_EQ(help_html("a <img src=x onerror=alert(1)> b"),
            "<p>a &lt;img src=x onerror=alert(1)&gt; b</p>\n");
  EXPECT_EQ(help_html("<div onclick=\"x()\">\n\nhi\n\n</div>"),
            "<p>&lt;div onclick=&quot;x()&quot;&gt;</p>\n<p>hi</p>\n<p>&lt;/div&gt;</p>\n");
}

TEST(HelpHtml, ImagesAreDroppedAndTheirAltTextStaysAsText) {
  EXPECT_EQ(help_html("![a *b*](http://x/y.png) after"), "<p>a b after</p>\n");
  EXPECT_EQ(help_html("![](javascript:alert(1))"), "<p></p>\n");
  EXPECT_EQ(help_html("[![logo](x.png)](https://example.com)"),
            "<p><a href=\"https://example.com\" rel=\"noopener noreferrer\">logo</a></p>\n");
}

TEST(HelpHtml, KeepsLinksToTheAllowedSchemesAndRelativeOnes) {
  EXPECT_EQ(help_html("[h](http://a/b?c=1&d=2 \"the title\")"),
            "<p><a href=\"http://a/b?c=1&amp;d=2\" title=\"the title\" "
            "rel=\"noopener noreferrer\">h</a></p>\n");
  for (const char* target :
       {"https://example.com/x", "HTTPS://example.com", "mailto:ops@example.com", "/api/plugins",
        "#fields", "?tab=help", "./page.md", "../up", "docs/page.md", "page.md#part",
        "//example.com/x"}) {
    const auto html = help_html(std::string("[t](") + target + ")");
    EXPECT_TRUE(
        contains(html, "<a href=\"" + std::string(target) + "\" rel=\"noopener noreferrer\">t</a>"))
        << target << " -> " << html;
  }
}

TEST(HelpHtml, AutolinksFollowTheSameRule) {
  EXPECT_EQ(help_html("<https://example.com>"),
            "<p><a href=\"https://example.com\" rel=\"noopener noreferrer\">https://example.com</a>"
            "</p>\n");
  EXPECT_EQ(help_html("www.example.com"),
            "<p><a href=\"http://www.example.com\" rel=\"noopener noreferrer\">www.example.com</a>"
            "</p>\n");
  EXPECT_EQ(help_html("ops@example.com"),
            "<p><a href=\"mailto:ops@example.com\" rel=\"noopener noreferrer\">ops@example.com</a>"
            "</p>\n");
  EXPECT_EQ(help_html("<javascript:alert(1)>"), "<p>javascript:alert(1)</p>\n");
}

TEST(HelpHtml, DropsEveryOtherTarget) {
  for (const char* markdown :
       {"[x](javascript:alert(1))", "[x](JAVASCRIPT:alert(1))", "[x](JaVaScRiPt:alert(1))",
        "[x]( javascript:alert(1))", "[x](<javascript:alert(1)>)", "[x](data:text/html,<b>hi</b>)",
        "[x](vbscript:msgbox(1))", "[x](file:///etc/passwd)", "<javascript:alert(1)>",
        "<data:text/html,x>", "[x](&#106;avascript:alert(1))", "[x](&#x6A;avascript:alert(1))",
        "[x](javascript&colon;alert(1))", "[x](java&#x09;script:alert(1))",
        "[x](&#x0A;javascript:alert(1))", "[x](&#0;javascript:alert(1))",
        "[x](java%0ascript:alert(1))", "[x][r]\n\n[r]: javascript:alert(1)",
        "[x](\\javascript:alert(1))"}) {
    expect_no_link(markdown);
  }
  EXPECT_EQ(help_html("[click *me*](javascript:alert(1)) now"), "<p>click <em>me</em> now</p>\n");
}

TEST(HelpHtml, TheLinkRuleOnItsOwn) {
  EXPECT_TRUE(is_safe_link_target("http://x"));
  EXPECT_TRUE(is_safe_link_target("relative/path:with-colon-after-slash"));
  EXPECT_TRUE(is_safe_link_target(""));
  EXPECT_FALSE(is_safe_link_target(" javascript:x"));
  EXPECT_FALSE(is_safe_link_target("\x01javascript:x"));
  EXPECT_FALSE(is_safe_link_target("java\tscript:x"));
  EXPECT_FALSE(is_safe_link_target("jav\xC3\xA1script:x"));
  EXPECT_FALSE(is_safe_link_target(":x"));
  EXPECT_FALSE(is_safe_link_target("https\x7F://x"));
}

TEST(HelpHtml, DeepNestingIsQuickAndBounded) {
  using Clock = std::chrono::steady_clock;
  const auto started = Clock::now();
  const auto quotes = help_html(std::string(10'000, '>') + " deep\n");
  EXPECT_TRUE(contains(quotes, "deep"));
  EXPECT_LE(count(quotes, "<blockquote>"), 32u);
  EXPECT_EQ(count(quotes, "<blockquote>"), count(quotes, "</blockquote>"));

  const auto brackets =
      help_html(std::string(10'000, '[') + "x" + std::string(10'000, ']') + "(/a)");
  EXPECT_LE(count(brackets, "<a "), 32u);
  EXPECT_EQ(count(brackets, "<a "), count(brackets, "</a>"));
  const auto open_brackets = help_html(std::string(100'000, '[') + "x");
  EXPECT_TRUE(contains(open_brackets, "x"));

  std::string lists;
  for (int i = 0; i < 2'000; ++i) lists += std::string(2 * i, ' ') + "- x\n";
  const auto nested = help_html(lists);
  EXPECT_EQ(count(nested, "<ul>"), count(nested, "</ul>"));
  EXPECT_EQ(count(nested, "<li>"), count(nested, "</li>"));

  std::string emphasis;
  for (int i = 0; i < 30'000; ++i) emphasis += "*a _b ";
  EXPECT_FALSE(help_html(emphasis).empty());
  EXPECT_LT(Clock::now() - started, std::chrono::seconds(5));
}

}  // namespace
}  // namespace warden::host
